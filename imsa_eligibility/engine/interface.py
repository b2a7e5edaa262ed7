"""The engine interface: every back-end decides the same verdicts for the same inputs.

An :class:`Engine` decides verdicts; an :class:`ExplainingEngine` also says what each
verdict rests on (evidence, and the unknown facts that would settle it). The decision layer
needs an explaining engine and depends on nothing else of this package.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..rules.ast import Node
from ..vocabulary import Verdict
from .evidence import Explanation
from .facts import FactBase


@dataclass(frozen=True)
class Target:
    """One condition to decide: a rule's resolved condition for one nation."""

    key: str
    node: Node


class Engine(ABC):
    """A back-end that decides three-valued verdicts for compiled conditions."""

    name: str

    @abstractmethod
    def prepare(self, targets: Sequence[Target]) -> None:
        """Compile ``targets`` once; later calls to :meth:`decide` use the same targets."""

    @abstractmethod
    def decide(self, facts: FactBase, keys: Collection[str] | None = None) -> dict[str, Verdict]:
        """The verdict of the prepared targets named by ``keys`` (default: all), by key."""


class ExplainingEngine(Engine):
    """An engine that also explains each verdict.

    ``verified_by`` names the engine that decided every verdict a second time and agreed,
    or is None when one engine decided alone.
    """

    verified_by: str | None = None

    @abstractmethod
    def explain(
        self, facts: FactBase, keys: Collection[str] | None = None
    ) -> dict[str, Explanation]:
        """The explained verdict of the prepared targets named by ``keys`` (default: all)."""
