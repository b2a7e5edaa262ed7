"""Hypothesis strategies: valid profiles shaped like real applicants, as plain documents."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from imsa_eligibility.profile.enums import (
    DeliveryModel,
    Function,
    FundingCondition,
    KeyArea,
    LegalForm,
    Nation,
    Role,
    Vetting,
)
from imsa_eligibility.profile.model import Governance, ImsaService

_FLAG_FIELDS = [
    name for name, info in ImsaService.model_fields.items() if "bool" in str(info.annotation)
]
SLUGS = st.from_regex(r"[a-z][a-z0-9]{1,8}", fullmatch=True)
NAMES = (
    st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs")), min_size=1, max_size=20)
    .filter(lambda s: s.strip() != "")
    .map(lambda s: unicodedata.normalize("NFC", s))
)  # the loader reads text as NFC
FLAGS = st.one_of(st.none(), st.booleans())


def _values(enum: Any, max_size: int = 4) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from([str(m.value) for m in enum]), max_size=max_size, unique=True)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


REGISTRATIONS = st.sampled_from(
    [
        {"register": "charity_commission_england_wales", "number": "1123456"},
        {"register": "charity_commission_england_wales", "number": "220949-1"},
        {"register": "oscr", "number": "SC045326"},
        {"register": "charity_commission_northern_ireland", "number": "NIC104567"},
        {"register": "companies_house", "number": "06543210"},
        {"register": "companies_house", "number": "SC123456"},
    ]
)


@st.composite
def related(draw: st.DrawFn, ids: list[str], budget: list[int]) -> list[dict[str, Any]]:
    """Related organisations with unique ids, valid control links and shares totalling <= 1."""
    out = []
    for ident in ids:
        relations = draw(
            st.lists(
                st.sampled_from(
                    [
                        "parent",
                        "controlling_member",
                        "subsidiary",
                        "funder",
                        "commissioner",
                        "partner",
                        "co_located",
                        "data_sharing",
                    ]
                ),
                max_size=3,
                unique=True,
            )
        )
        item: dict[str, Any] = {
            "id": ident,
            "name": draw(NAMES),
            "functions": draw(_values(Function, 3)),
            "relations": relations,
        }
        funded = bool({"funder", "commissioner"} & set(relations))
        if funded and draw(st.booleans()):
            points = draw(st.integers(0, budget[0]))
            budget[0] -= points
            item["income_share"] = Decimal(points) / 10000
        elif draw(st.booleans()) and draw(st.booleans()):
            item["income_share"] = None
        conditions = draw(_maybe(_values(FundingCondition, 2)))
        if conditions is not None:
            item["funding_conditions"] = conditions
        links = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
        if links:
            item["controlled_by"] = links
        out.append(item)
    return out


@st.composite
def people(draw: st.DrawFn) -> list[dict[str, Any]]:
    """People with unique ids, roles and (perhaps unknown) affiliations."""
    ids = draw(st.lists(SLUGS, max_size=4, unique=True))
    out = []
    for ident in ids:
        person: dict[str, Any] = {"id": ident, "roles": draw(_values(Role, 3))}
        affiliations = draw(
            _maybe(
                st.lists(
                    st.fixed_dictionaries(
                        {"organisation": NAMES, "functions": _values(Function, 2)},
                        optional={"current": FLAGS},
                    ),
                    max_size=2,
                )
            )
        )
        if affiliations is not None:
            person["affiliations"] = affiliations
        out.append(person)
    return out


def _section(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    return _maybe(st.fixed_dictionaries({}, optional=fields))


@st.composite
def profile_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid profile document (plain values, Decimal shares)."""
    income = draw(_maybe(st.integers(0, 5_000_000)))
    org: dict[str, Any] = {
        "id": draw(SLUGS),
        "name": draw(NAMES),
        "legal_form": draw(st.sampled_from([str(m.value) for m in LegalForm])),
        "functions": draw(_values(Function, 3)),
        "nations": draw(
            st.lists(
                st.sampled_from([str(n.value) for n in Nation]), min_size=1, max_size=4, unique=True
            )
        ),
    }
    optional = {
        "delivery_model": st.sampled_from([str(m.value) for m in DeliveryModel]),
        "registrations": st.lists(REGISTRATIONS, max_size=3),
        "annual_income_gbp": st.just(income) if income is not None else st.none(),
        "public_funding_gbp": st.integers(0, income if income is not None else 5_000_000),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            org[key] = draw(strategy)
    ids = draw(st.lists(SLUGS, max_size=5, unique=True))
    doc: dict[str, Any] = {
        "schema_version": 1,
        "organisation": org,
        "related_organisations": draw(related(ids, [10000])),
        "people": draw(people()),
    }
    sections = {
        "governance": _section(dict.fromkeys(Governance.model_fields, FLAGS)),
        "imsa_service": _section(
            {
                "planned_imsas": st.integers(1, 30),
                "accredited_imsas": st.integers(0, 30),
                "vetting_checks": _values(Vetting, 3),
                "key_areas_covered": _values(KeyArea, 8),
                **dict.fromkeys(_FLAG_FIELDS, FLAGS),
            }
        ),
        "insurance": _section({"employers_liability": FLAGS, "professional_indemnity": FLAGS}),
    }
    for key, strategy in sections.items():
        value = draw(strategy)
        if value is not None:
            doc[key] = value
    return doc
