"""The facts a rule may name, read off the profile model, with their kinds.

Scopes: the profile (``""``), and each list of objects a quantifier or sum can range over
(``related_organisations``, ``people``, ``people.affiliations``,
``organisation.registrations``, and the derived ``control_chain`` whose items are related
organisations). Lint uses this to check paths, operators and enum values.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from pydantic import BaseModel

from ..profile.model import Profile, RelatedOrganisation

CHAIN = "control_chain"


@dataclass(frozen=True)
class FactKind:
    """What kind of value a fact holds: ``bool``, ``int``, ``number``, ``text``, ``enum`` or
    ``list`` (of enum values, or of objects when ``scope`` names the item scope)."""

    kind: str
    values: tuple[str, ...] = ()
    scope: str | None = None

    @property
    def numeric(self) -> bool:
        """Whether comparisons apply."""
        return self.kind in ("int", "number")


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        elif origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Literal:
            return int
        else:
            return annotation


def _walk(
    model: type[BaseModel], prefix: str, scope: str, out: dict[str, dict[str, FactKind]]
) -> None:
    fields = out.setdefault(scope, {})
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = _unwrap(info.annotation)
        if typing.get_origin(ann) is list:
            item = _unwrap(typing.get_args(ann)[0])
            if isinstance(item, type) and issubclass(item, BaseModel):
                child = f"{scope}.{path}" if scope else path
                fields[path] = FactKind("list", scope=child)
                _walk(item, "", child, out)
            elif isinstance(item, type) and issubclass(item, Enum):
                fields[path] = FactKind("list", tuple(str(m.value) for m in item))
            else:
                fields[path] = FactKind("list")
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            _walk(ann, f"{path}.", scope, out)
        elif isinstance(ann, type) and issubclass(ann, Enum):
            fields[path] = FactKind("enum", tuple(str(m.value) for m in ann))
        elif ann is bool:
            fields[path] = FactKind("bool")
        elif ann is int:
            fields[path] = FactKind("int")
        elif ann is Decimal:
            fields[path] = FactKind("number")
        else:
            fields[path] = FactKind("text")


@cache
def catalogue() -> dict[str, dict[str, FactKind]]:
    """Scope name -> fact path (relative to the scope) -> kind."""
    out: dict[str, dict[str, FactKind]] = {}
    _walk(Profile, "", "", out)
    out[""][CHAIN] = FactKind("list", scope=CHAIN)
    out[CHAIN] = {}
    _walk(RelatedOrganisation, "", CHAIN, out)
    return out
