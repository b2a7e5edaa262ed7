"""The reference policy's conditions, hand-compiled, decided by both engines on the examples.

``python -m tests.engine.test_durable_policy`` measures decisions per second of each engine
on these ~40 targets (printed, never asserted: timings do not belong in tests).
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from imsa_eligibility.engine.durable import DurableEngine, durable_available
from imsa_eligibility.engine.facts import FactBase, facts_from_profile
from imsa_eligibility.engine.interface import Engine, Target
from imsa_eligibility.engine.native import NativeEngine
from imsa_eligibility.profile.load import load_profile
from imsa_eligibility.rules.ast import (
    CONTROL_CHAIN,
    Aggregate,
    AllOf,
    AnyOf,
    CompareOp,
    Node,
    Not,
    Quantified,
)
from imsa_eligibility.rules.ast import Test as Leaf

EXAMPLES = Path(__file__).resolve().parents[2] / "profiles" / "examples"

LAW = (
    "policing",
    "prosecution",
    "immigration_enforcement",
    "border_control",
    "labour_market_enforcement",
)
OVERSIGHT = ("policing_oversight",)
SURVIVOR = ("victim_care_contract_support", "accommodation_provision", "housing_provision")
CHARITIES = (
    "charitable_incorporated_organisation",
    "scottish_charitable_incorporated_organisation",
    "charitable_company",
    "unincorporated_charity",
)
KEY_AREAS = (
    "health_and_social_care",
    "housing_and_subsistence",
    "survivor_support_and_nrm",
    "reducing_risk_and_increasing_resilience",
    "criminal_justice",
    "civil_justice",
    "multi_agency_and_partnership_working",
    "independent_advocacy_and_the_imsa_model",
)
REGISTERS = {
    "england": "charity_commission_england_wales",
    "wales": "charity_commission_england_wales",
    "scotland": "oscr",
    "northern_ireland": "charity_commission_northern_ireland",
}
VETTING = {
    "england": "enhanced_dbs_adults_barred",
    "wales": "enhanced_dbs_adults_barred",
    "scotland": "pvg_protected_adults",
    "northern_ireland": "enhanced_accessni",
}


def _functions(values: tuple[str, ...]) -> Leaf:
    return Leaf(("functions",), "has_any", values)


def _own_or_chain(values: tuple[str, ...]) -> Node:
    return AnyOf(
        (
            Leaf(("organisation", "functions"), "has_any", values),
            Quantified("some", CONTROL_CHAIN, _functions(values)),
        )
    )


def _not_true(*path: str) -> Node:
    return Not(Leaf(path, "is", True))


def _related_with(relation: str, values: tuple[str, ...]) -> Node:
    return Quantified(
        "some",
        ("related_organisations",),
        AllOf((Leaf(("relations",), "has_any", (relation,)), _functions(values))),
    )


def _serving(roles: tuple[str, ...]) -> Node:
    return Quantified(
        "some",
        ("people",),
        AllOf(
            (
                Leaf(("roles",), "has_any", roles),
                Quantified(
                    "some",
                    ("affiliations",),
                    AllOf((Leaf(("current",), "is", True), _functions(LAW))),
                ),
            )
        ),
    )


def _share(op: CompareOp, threshold: str) -> Aggregate:
    return Aggregate(
        "law_enforcement_income_share",
        "income_share",
        ("related_organisations",),
        AllOf(
            (
                Leaf(("relations",), "has_any", ("funder", "commissioner")),
                _functions(LAW + OVERSIGHT),
            )
        ),
        op,
        Decimal(threshold),
    )


def policy_targets() -> list[Target]:
    """The reference rule set's conditions (one target per rule, or per rule and nation)."""
    rules: dict[str, Node] = {
        "IND-001": Leaf(("organisation", "functions"), "has_any", LAW),
        "IND-002": Quantified("some", CONTROL_CHAIN, _functions(LAW)),
        "IND-003": _own_or_chain(("nrm_decision_making",)),
        "IND-004": Leaf(("organisation", "legal_form"), "one_of", ("local_authority", "nhs_body")),
        "IND-005": Leaf(("organisation", "legal_form"), "one_of", ("statutory_body", "crown_body")),
        "IND-006": _own_or_chain(OVERSIGHT),
        "IND-007": Quantified(
            "some",
            ("related_organisations",),
            AllOf(
                (
                    Leaf(("relations",), "has_any", ("funder", "commissioner")),
                    Leaf(
                        ("funding_conditions",),
                        "has_any",
                        ("case_data_sharing", "prosecution_outcome_targets"),
                    ),
                )
            ),
        ),
        "IND-008": _share("ge", "0.5"),
        "IND-009": AllOf((_share("gt", "0"), _share("lt", "0.5"))),
        "IND-010": _related_with("co_located", LAW),
        "IND-011": _related_with("data_sharing", LAW),
        "IND-012": _serving(("trustee", "director", "chair")),
        "IND-013": _serving(("chair",)),
        "IND-014": AllOf(
            (
                Leaf(("organisation", "functions"), "has_any", SURVIVOR),
                _not_true("imsa_service", "information_barrier"),
            )
        ),
        "IND-015": Leaf(("organisation", "functions"), "has_any", ("employment_agency",)),
        "GOV-001": _not_true("governance", "conflict_of_interest_policy"),
        "GOV-002": _not_true("governance", "register_of_interests"),
        "GOV-003": _not_true("governance", "safeguarding_policy"),
        "GOV-004": _not_true("governance", "complaints_procedure"),
        "GOV-005": _not_true("governance", "whistleblowing_policy"),
        "GOV-006": _not_true("governance", "lived_experience_in_governance"),
        "GOV-007": _not_true("governance", "ico_registered"),
        "GOV-008": Leaf(("imsa_service", "charges_survivors"), "is", True),
        "ROL-001": Leaf(("imsa_service", "serves_children"), "is", True),
        "ROL-002": AllOf(
            (
                Leaf(("imsa_service", "gives_immigration_advice"), "is", True),
                _not_true("imsa_service", "immigration_advice_regulated"),
            )
        ),
        "ROL-003": Not(Leaf(("imsa_service", "key_areas_covered"), "has_all", KEY_AREAS)),
        "TRN-001": Leaf(
            ("imsa_service", "accredited_imsas"), "lt", None, ("imsa_service", "planned_imsas")
        ),
        "TRN-002": _not_true("imsa_service", "clinical_supervision"),
        "TRN-003": AllOf(
            (
                Leaf(("imsa_service", "clinical_supervision"), "is", True),
                _not_true("imsa_service", "supervision_independent_of_line_management"),
            )
        ),
        "WAL-001": AllOf(
            (
                Leaf(("organisation", "public_funding_gbp"), "gt", 0),
                _not_true("imsa_service", "welsh_language_provision"),
            )
        ),
    }
    for nation, register in REGISTERS.items():
        rules[f"GOV-009/{nation}"] = AllOf(
            (
                Leaf(("organisation", "legal_form"), "one_of", CHARITIES),
                Not(
                    Quantified(
                        "some",
                        ("organisation", "registrations"),
                        Leaf(("register",), "equals", register),
                    )
                ),
            )
        )
    for nation, scheme in VETTING.items():
        rules[f"TRN-004/{nation}"] = Not(
            Leaf(("imsa_service", "vetting_checks"), "has_all", (scheme,))
        )
    return [Target(key, node) for key, node in rules.items()]


def example_facts() -> list[FactBase]:
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        loaded = load_profile(path)
        out.append(facts_from_profile(loaded.profile, loaded.document))
    return out


@pytest.mark.skipif(not durable_available(), reason="durable_rules not available")
def test_engines_agree_on_every_example() -> None:
    targets = policy_targets()
    assert len(targets) >= 38
    native, durable = NativeEngine(), DurableEngine()
    native.prepare(targets)
    durable.prepare(targets)
    facts = example_facts()
    assert facts
    for fact_base in facts:
        assert durable.decide(fact_base) == native.decide(fact_base)


def rate(engine: Engine, facts: list[FactBase], seconds: float = 3.0) -> float:
    """Decisions (one profile, every target) per CPU second, over at least ``seconds``.

    CPU time rather than wall-clock time, which a shared machine makes noisy.
    """
    engine.prepare(policy_targets())
    for fact_base in facts:  # warm up: the ruleset is created once per process
        engine.decide(fact_base)
    count, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for fact_base in facts:
            engine.decide(fact_base)
        count += len(facts)
    return count / (time.process_time() - start)


def main() -> None:
    facts = example_facts()
    for engine in (DurableEngine(), NativeEngine()):
        sys.stdout.write(
            f"{engine.name}: {rate(engine, facts):.0f} decisions per CPU second "
            f"({len(policy_targets())} targets, {len(facts)} example profiles)\n"
        )


if __name__ == "__main__":
    main()
