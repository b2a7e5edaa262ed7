"""Text from inputs made safe to print: control characters shown, never obeyed.

Profiles, rule files and file names may hold terminal control sequences (``ESC [2J``
clears the screen, ``ESC ]0;...`` sets a window title, ``ESC ]8;;`` makes hyperlinks),
bidirectional overrides that reorder what a reader sees, or newlines that forge a line of
output. Every text a person reads passes through :func:`printable`, which writes such
characters as escapes (``\\x1b``, ``\\u202e``, ``\\n``). JSON output needs none of this: it
escapes control characters itself, and keeps the data exactly.
"""

from __future__ import annotations

import re

# C0 controls (newline included), DEL, C1 controls, and the bidirectional formatting
# characters (embeddings, overrides, isolates, marks), plus the line and paragraph
# separators that some terminals break lines on.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control or bidirectional character written as an escape."""
    return _UNSAFE.sub(_escape, text)


def is_printable(text: str) -> bool:
    """Whether ``text`` holds no character that :func:`printable` would escape."""
    return _UNSAFE.search(text) is None
