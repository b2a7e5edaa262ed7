"""Report formats: pure functions from decisions and errors to text (no printing).

:data:`.stream.WRITERS` is the registry of formats (the CLI's ``-o`` choices are built from
it): each writer streams a report a decision at a time. :data:`FORMATS` renders a whole
report with the same writers, so the two always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from ..decision import Decision
from ..errors import Problem
from .jsonreport import decision_json, error_json
from .stream import STREAMED, WRITERS, ReportWriter, render
from .text import render_text

Renderer = Callable[[Sequence[Decision], Sequence[Problem]], str]


def _whole(make: Callable[[], ReportWriter]) -> Renderer:
    def rendered(decisions: Sequence[Decision], errors: Sequence[Problem]) -> str:
        return render(make(), decisions, errors)

    return rendered


FORMATS: Mapping[str, Renderer] = MappingProxyType(
    {name: _whole(make) for name, make in WRITERS.items()}
)
render_json = FORMATS["json"]
render_jsonl = FORMATS["jsonl"]

__all__ = [
    "FORMATS",
    "STREAMED",
    "WRITERS",
    "ReportWriter",
    "decision_json",
    "error_json",
    "render",
    "render_json",
    "render_jsonl",
    "render_text",
]
