"""A seeded generator of realistic applicant profiles, as YAML text, for the benchmark."""

from __future__ import annotations

import random

from imsa_eligibility.profile import Profile
from imsa_eligibility.profile.dump import dump_profile

NATIONS = ["england", "wales", "scotland", "northern_ireland"]
FORMS = [
    "charitable_company",
    "charitable_incorporated_organisation",
    "unincorporated_charity",
    "scottish_charitable_incorporated_organisation",
    "community_interest_company",
    "company_limited_by_guarantee",
    "local_authority",
    "nhs_body",
    "statutory_body",
]
SERVICE_FUNCTIONS = [
    "advocacy",
    "accommodation_provision",
    "legal_services",
    "training",
    "victim_care_contract_support",
    "first_responder",
    "faith_organisation",
    "research",
    "housing_provision",
]
FUNDER_FUNCTIONS = [
    ["policing_oversight", "victim_services_commissioning"],
    ["local_authority_services", "social_care"],
    ["health_services"],
    ["policing"],
    ["other"],
    ["research"],
]
KEY_AREAS = [
    "health_and_social_care",
    "housing_and_subsistence",
    "survivor_support_and_nrm",
    "reducing_risk_and_increasing_resilience",
    "criminal_justice",
    "civil_justice",
    "multi_agency_and_partnership_working",
    "independent_advocacy_and_the_imsa_model",
]
VETTING = {
    "england": "enhanced_dbs_adults_barred",
    "wales": "enhanced_dbs_adults_barred",
    "scotland": "pvg_protected_adults",
    "northern_ireland": "enhanced_accessni",
}
REGISTERS = {
    "england": ("charity_commission_england_wales", "1123456"),
    "wales": ("charity_commission_england_wales", "1123456"),
    "scotland": ("oscr", "SC045326"),
    "northern_ireland": ("charity_commission_northern_ireland", "NIC104567"),
}


def _maybe(rng: random.Random, value: object, known: float = 0.97) -> object:
    return value if rng.random() < known else None


def profile_document(rng: random.Random, index: int) -> dict[str, object]:
    """One realistic applicant: mostly charities, some public bodies, a few conflicts."""
    nations = rng.sample(NATIONS, rng.choice([1, 1, 1, 2, 2, 4]))
    form = rng.choices(FORMS, weights=[30, 25, 5, 10, 8, 8, 5, 3, 2])[0]
    functions = rng.sample(SERVICE_FUNCTIONS, rng.randint(1, 3))
    if rng.random() < 0.03:
        functions.append("policing")
    regs = [
        {"register": REGISTERS[n][0], "number": REGISTERS[n][1]}
        for n in nations
        if rng.random() < 0.9
    ]
    regs = list({r["register"]: r for r in regs}.values())
    income = rng.randint(50_000, 5_000_000)
    related: list[dict[str, object]] = []
    budget = 10_000
    for j in range(rng.randint(0, 6)):
        share = rng.randint(0, min(budget, 6000))
        budget -= share
        item: dict[str, object] = {
            "id": f"org-{j}",
            "name": f"Related body {j}",
            "functions": rng.choice(FUNDER_FUNCTIONS),
            "relations": rng.choice(
                [
                    ["funder"],
                    ["commissioner"],
                    ["partner"],
                    ["co_located"],
                    ["parent"],
                    ["funder", "data_sharing"],
                ]
            ),
            "income_share": _maybe(rng, share / 10_000),
            "funding_conditions": rng.choice(
                [[], [], [], ["referral_quotas"], ["case_data_sharing"]]
            ),
        }
        if j and rng.random() < 0.2:
            item["controlled_by"] = [f"org-{rng.randrange(j)}"]
        related.append(item)
    people = [
        {
            "id": f"person-{k}",
            "roles": rng.choice([["trustee"], ["trustee", "chair"], ["director"], ["imsa"]]),
            "affiliations": [
                {
                    "organisation": "Somewhere",
                    "functions": rng.choice([["policing"], ["health_services"], ["other"]]),
                    "current": rng.random() < 0.2,
                }
            ],
        }
        for k in range(rng.randint(1, 8))
    ]
    planned = rng.randint(1, 6)
    return {
        "schema_version": 1,
        "organisation": {
            "id": f"applicant-{index}",
            "name": f"Applicant {index}",
            "legal_form": form,
            "functions": functions,
            "nations": nations,
            "delivery_model": rng.choice(["local", "national"]),
            "registrations": regs,
            "annual_income_gbp": income,
            "public_funding_gbp": rng.randint(0, income),
        },
        "related_organisations": related,
        "people": people,
        "governance": {
            k: _maybe(rng, rng.random() < 0.9)
            for k in (
                "conflict_of_interest_policy",
                "register_of_interests",
                "safeguarding_policy",
                "complaints_procedure",
                "whistleblowing_policy",
                "lived_experience_in_governance",
                "ico_registered",
            )
        },
        "imsa_service": {
            "planned_imsas": planned,
            "accredited_imsas": rng.randint(0, planned),
            "clinical_supervision": _maybe(rng, rng.random() < 0.9),
            "supervision_independent_of_line_management": _maybe(rng, rng.random() < 0.8),
            "vetting_checks": [VETTING[n] for n in nations if rng.random() < 0.9],
            "information_barrier": _maybe(rng, rng.random() < 0.8),
            "gives_immigration_advice": rng.random() < 0.1,
            "immigration_advice_regulated": _maybe(rng, rng.random() < 0.5),
            "welsh_language_provision": _maybe(rng, rng.random() < 0.5),
            "key_areas_covered": rng.sample(KEY_AREAS, rng.choice([6, 7, 8, 8, 8])),
            "charges_survivors": rng.random() < 0.01,
            "serves_children": rng.random() < 0.05,
        },
        "insurance": {
            "employers_liability": _maybe(rng, True),
            "professional_indemnity": _maybe(rng, rng.random() < 0.95),
        },
    }


def profile_texts(count: int, seed: int = 20261128) -> list[bytes]:
    """``count`` profiles as YAML bytes, the same for the same seed."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        profile = Profile.model_validate(profile_document(rng, index))
        out.append(dump_profile(profile, header=f"benchmark profile {index}").encode("utf-8"))
    return out
