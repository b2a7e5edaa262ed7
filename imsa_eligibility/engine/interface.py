"""The engine interface: every back-end decides the same verdicts for the same inputs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..rules.ast import Node, Verdict
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
