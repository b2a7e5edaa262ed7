"""Report formats: pure functions from decisions and errors to text (no printing)."""

from __future__ import annotations

from .jsonreport import decision_json, error_json, render_json, render_jsonl
from .text import render_text

FORMATS = {"text": render_text, "json": render_json, "jsonl": render_jsonl}

__all__ = ["FORMATS", "decision_json", "error_json", "render_json", "render_jsonl", "render_text"]
