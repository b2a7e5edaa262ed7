"""The kinds of fact the durable_rules rulesets match: one table, the only place they are named.

Every fact carries its kind in ``t`` (every pattern starts with a positive test of it) and
the session id ``sid``; the other fields are listed in :data:`FIELDS`. Field names are one
or two letters because durable_rules stores and compares them on every match, and no field
is called ``id`` (durable_rules keeps that for itself). A value fact's slot fields carry
the slot's number: ``a3`` is field ``a`` of slot 3 (:func:`slot_field`).

:func:`.checks.check_ruleset` refuses a ruleset whose patterns name a kind or a field this
table does not list, so a new fact shape is added here first.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Fact(StrEnum):
    """A kind of fact, by the value of its ``t`` field."""

    SENTINEL = "o"
    """Asserted first in every session; one rule fires on it (see the package's docstring)."""
    SCOPE = "s"
    """A scope instance, for the rules that need no value of it (constants, copies)."""
    VALUE = "x"
    """The encoded values a scope instance's tests read: a bundle of slots, or a sum."""
    VERDICT = "v"
    """A node's verdict in one scope instance, asserted by an action."""
    PREFIX = "z"
    """How many items of a list a quantifier has found not decisive, item by item."""
    LENGTH = "L"
    """A list's length, asserted after the facts of its items."""
    RELATED = "ro"
    """A related organisation, for the control chain."""
    CONTROLLED_BY = "cb"
    """A ``controlled_by`` link from one related organisation to another's id."""
    MEMBER = "cm"
    """A related organisation found to be in the control chain."""
    CLOSED = "cl"
    """The control chain is complete: asserted once the engine has derived it."""
    CHAIN_SIZE = "g"
    """How many related organisations the chain is walked over."""
    OUTSIDE = "nm"
    """A related organisation found not to be in the control chain."""


#: Fields of every fact besides ``t`` and ``sid``; a slot field is written ``a*``.
FIELDS: Mapping[Fact, Mapping[str, str]] = MappingProxyType(
    {
        Fact.SENTINEL: {},
        Fact.SCOPE: {
            "k": "scope kind",
            "q": "group",
            "p": "scope instance",
            "pf": "the profile's root scope instance",
        },
        Fact.VALUE: {
            "g": "bundle id, high digit",
            "f": "bundle id, low digit",
            "p": "scope instance",
            "pp": "the parent scope instance of a list item",
            "i": "the item's position in its list",
            "a": "a sum's floor (aggregates)",
            "b": "a sum's ceiling (aggregates)",
            "c": "whether the sum is complete (aggregates)",
            "w": "salt: changes the fact's id after a hash collision",
            "a*": "a slot's value (or the left of two values)",
            "b*": "a slot's second value (the right, or a ceiling)",
            "n*": "a slot's list length",
            "k*": "the slot is known",
            "u*": "the slot is unknown",
        },
        Fact.VERDICT: {
            "h": "node id, high digit",
            "n": "node id, low digit",
            "p": "scope instance",
            "pp": "parent scope instance",
            "i": "position in the parent's list",
            "v": "1 (triggered) or 0 (clear)",
            "w": "salt",
        },
        Fact.PREFIX: {
            "h": "node id, high digit",
            "n": "node id, low digit",
            "p": "scope instance",
            "k": "items walked",
        },
        Fact.LENGTH: {"c": "item kind", "q": "group", "p": "scope instance", "n": "length"},
        Fact.RELATED: {
            "i": "session-wide id",
            "pf": "the profile's root scope instance",
            "r": "relations",
            "o": "its id, after the profile's root",
            "w": "salt",
        },
        Fact.CONTROLLED_BY: {
            "d": "the controlled one's session-wide id",
            "c": "the controller's id, after the profile's root",
        },
        Fact.MEMBER: {"i": "session-wide id"},
        Fact.CLOSED: {"q": "group", "pf": "the profile's root scope instance"},
        Fact.CHAIN_SIZE: {
            "q": "group",
            "pf": "the profile's root scope instance",
            "r": "related organisations",
        },
        Fact.OUTSIDE: {
            "q": "group",
            "pp": "the profile's root scope instance",
            "i": "position among the related organisations",
        },
    }
)

#: The fields of one slot of a value fact (its number follows the letter).
SLOT_FIELDS = frozenset({"a", "b", "n"})


def slot_field(name: str, slot: int) -> str:
    """The name of field ``name`` of slot ``slot`` in a value fact."""
    return f"{name}{slot}"


def known_field(name: str, kind: Fact) -> bool:
    """Whether ``name`` is a field of facts of ``kind`` (``t`` and ``sid`` always are)."""
    if name in ("t", "sid"):
        return True
    fields = FIELDS[kind]
    if name in fields:
        return True
    letter, digits = name[:1], name[1:]
    return digits.isdigit() and f"{letter}*" in fields
