"""What the adapter does when a rule matches: one small record per rule.

A compiled rule names one action; :meth:`.run.Evaluation.act` carries it out on the match
(the facts of the rule's patterns, by alias).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

Where = Literal["p", "pp", "root"]
"""The scope a verdict belongs to: the matched fact's ``p``, its parent ``pp``, or the
profile (scope 0)."""


@dataclass(frozen=True)
class Emit:
    """Node ``node`` has verdict ``value`` in the scope of fact ``alias`` (see ``where``)."""

    op: ClassVar[str] = "emit"
    node: int
    value: int
    alias: str
    where: Where


@dataclass(frozen=True)
class Relay:
    """Node ``node`` copies the verdict of fact ``alias`` (a relay of a much-read node)."""

    op: ClassVar[str] = "relay"
    node: int
    alias: str


@dataclass(frozen=True)
class Copy:
    """Node ``node`` takes the profile-level verdict ``value_alias`` into scope ``scope_alias``."""

    op: ClassVar[str] = "copy"
    node: int
    scope_alias: str
    value_alias: str
    negated: bool


@dataclass(frozen=True)
class StartWalk:
    """A quantifier starts walking the items of a list (``alias``'s scope; None: the chain)."""

    op: ClassVar[str] = "zstart"
    node: int
    alias: str | None


@dataclass(frozen=True)
class Step:
    """A quantifier has walked one more item (``alias``: its prefix fact)."""

    op: ClassVar[str] = "zstep"
    node: int
    alias: str


@dataclass(frozen=True)
class Member:
    """The related organisation of fact ``alias`` is in the control chain."""

    op: ClassVar[str] = "member"
    alias: str


@dataclass(frozen=True)
class Outside:
    """The related organisation of fact ``alias`` is not in the control chain."""

    op: ClassVar[str] = "outside"
    alias: str


@dataclass(frozen=True)
class Sentinel:
    """The rule that fires first in every session; nothing to do."""

    op: ClassVar[str] = "noop"


Action = Emit | Relay | Copy | StartWalk | Step | Member | Outside | Sentinel
