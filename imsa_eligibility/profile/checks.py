"""Cross-field checks of a profile: ids, control chains, income shares, register numbers.

They run on the raw document (guarding every type) so that they report alongside schema
errors: a person fixing a file sees everything wrong with it at once.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import Problem
from ..source import Document, PathKey, as_written
from ..suggest import closest, difference, meant
from .model import SLUG_PATTERN, is_plain_text

# ASCII digits only: ``\d`` would also take fullwidth, Arabic-Indic and other digits.
REGISTER_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "companies_house": (
        re.compile(r"([0-9]{8}|(SC|NI|OC|SO|NC|FC)[0-9]{6}|R[0-9]{7})"),
        "8 digits (06543210), or SC, NI, OC, SO, NC or FC and 6 digits (SC123456), or R and 7 "
        "digits",
    ),
    "oscr": (re.compile(r"SC0[0-9]{5}"), "SC0 and 5 digits, such as SC045326"),
    "charity_commission_england_wales": (
        re.compile(r"[0-9]{6,7}(-[0-9]+)?"),
        "6 or 7 digits, such as 1123456, with -1 etc. for a linked charity",
    ),
    "charity_commission_northern_ireland": (
        re.compile(r"NIC1[0-9]{5}"),
        "NIC1 and 5 digits, such as NIC104567",
    ),
}

_FUNDING = {"funder", "commissioner"}
_SLUG = re.compile(SLUG_PATTERN)


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _unique_ids(
    doc: Document, base: PathKey, items: list[tuple[int, dict[str, Any]]], noun: str
) -> list[Problem]:
    seen: dict[str, int] = {}
    taken = {item.get("id") for _, item in items}
    out = []
    for i, item in items:
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        if ident in seen:
            fresh = next(
                f"{ident}-{n}" for n in range(2, len(items) + 3) if f"{ident}-{n}" not in taken
            )
            taken.add(fresh)
            out.append(
                doc.problem(
                    (*base, i, "id"),
                    f"duplicate {noun} id '{ident}' (already used by {base[-1]}[{seen[ident]}])",
                    f"give this one an id of its own, such as '{fresh}'",
                )
            )
        else:
            seen[ident] = i
    return out


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    try:
        return Decimal(str(as_written(value)))
    except InvalidOperation:
        return None


def check_document(doc: Document) -> list[Problem]:
    """Every cross-field problem in the profile document ``doc``."""
    data = doc.data
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    related = _items(data, "related_organisations")
    problems += _unique_ids(doc, ("related_organisations",), related, "related organisation")
    problems += _unique_ids(doc, ("people",), _items(data, "people"), "person")
    problems += _controlled_by(doc, related)
    problems += _shares(doc, related)
    for i, item in related:
        for j, reg in _items(item, "registrations"):
            problems += _registration(doc, ("related_organisations", i, "registrations", j), reg)
    org = data.get("organisation")
    if isinstance(org, dict):
        problems += _funding(doc, org)
        for i, reg in _items(org, "registrations"):
            problems += _registration(doc, ("organisation", "registrations", i), reg)
    return problems


def _controlled_by(doc: Document, related: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    ids = {item["id"] for _, item in related if isinstance(item.get("id"), str)}
    out = []
    for i, item in related:
        refs = item.get("controlled_by")
        if not isinstance(refs, list):
            continue
        for j, ref in enumerate(refs):
            # An id of the wrong form is reported by the model; say it once.
            if isinstance(ref, str) and ref not in ids and _SLUG.fullmatch(ref):
                hint = _controller_hint(ref, ids)
                out.append(
                    doc.problem(
                        ("related_organisations", i, "controlled_by", j),
                        f"controlled_by names '{ref}', which is not the id of a related "
                        "organisation",
                        hint,
                    )
                )
    return out


def _controller_hint(ref: str, ids: set[str]) -> str:
    guess = closest(ref, ids)
    if guess is not None:
        return meant(ref, guess)
    add = f"add '{ref}' to related_organisations (with relations such as [parent])"
    if not ids:
        return add
    return f"write the id of a related organisation ({', '.join(sorted(ids))}), or {add}"


def _shares(doc: Document, related: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    total = Decimal(0)
    counted = []
    for i, item in related:
        relations = item.get("relations")
        share = _decimal(item.get("income_share"))
        if (
            isinstance(relations, list)
            and _FUNDING & set(map(str, relations))
            and share is not None
            and 0 <= share <= 1  # a share out of range is reported on its own
        ):
            total += share
            counted.append(i)
    if total > 1 and counted:
        return [
            doc.problem(
                ("related_organisations", counted[-1], "income_share"),
                f"the income shares of funders and commissioners add up to {total}, "
                "more than 1 (all of the income)",
                "lower the income_share values so that together they are at most 1: each is "
                "the part of your income that body gives (0.25 is a quarter)",
            )
        ]
    return []


def _funding(doc: Document, org: dict[str, Any]) -> list[Problem]:
    income = org.get("annual_income_gbp")
    public = org.get("public_funding_gbp")
    if (
        isinstance(income, int)
        and isinstance(public, int)
        and not isinstance(income, bool)
        and not isinstance(public, bool)
        and public > income
    ):
        return [
            doc.problem(
                ("organisation", "public_funding_gbp"),
                f"public_funding_gbp ({public:,}) is more than annual_income_gbp ({income:,})",
                f"write a public_funding_gbp of at most {income}, or raise "
                "annual_income_gbp: public funding is part of the annual income (give both "
                "for the same year)",
            )
        ]
    return []


def _registration(doc: Document, path: PathKey, reg: dict[str, Any]) -> list[Problem]:
    register, number = reg.get("register"), as_written(reg.get("number"))
    if not isinstance(register, str) or register not in REGISTER_FORMATS:
        return []
    if not isinstance(number, str) or not is_plain_text(number):
        return []  # blank, too long or with control characters: the model says so, once
    pattern, form = REGISTER_FORMATS[register]
    if pattern.fullmatch(number):
        return []
    shown = number if len(number) <= 60 else number[:60] + "..."
    return [
        doc.problem(
            (*path, "number"),
            f"'{shown}' is not a valid {register} number",
            _register_hint(number, pattern, form),
        )
    ]


def _register_hint(number: str, pattern: re.Pattern[str], form: str) -> str:
    """Write it in the register's form; or, when the number is there in other dress
    (fullwidth digits, spaces, lower-case letters), write that number plainly."""
    plain = unicodedata.normalize("NFKC", number)
    plain = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in plain)
    plain = re.sub(r"[\s\u200b-\u200d\u2060\ufeff]+", "", plain).upper()
    if plain == number or not pattern.fullmatch(plain):
        return f"write it as {form}"
    if not number.isascii():
        why = difference(number, plain) or f"'{number}' has non-ASCII characters"
        return f"write it in plain ASCII characters: {plain} ({why})"
    if plain != number.upper():
        return f"write it without spaces: {plain}"
    return f"write the letters in capitals: {plain}"
