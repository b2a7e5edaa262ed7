"""Did-you-mean hints for misspelt keys, enum values, ids and names.

A word can look right and still be wrong: a Cyrillic ``а`` (U+0430) for a Latin ``a``, a
fullwidth ``ｎ``, a zero-width space pasted in. Such a word is matched by its *skeleton*
(the letters it looks like), and the hint names the characters that differ, since a person
cannot see the difference on screen.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

# Letters from other scripts that look like a Latin letter or digit (a small, common
# subset of Unicode's confusables: Cyrillic, Greek, and a few Latin look-alikes).
_LOOKS_LIKE: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i",
    "ї": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "п": "n", "о": "o", "р": "p",
    "ԛ": "q", "г": "r", "ѕ": "s", "т": "t", "ц": "u", "ѵ": "v", "ԝ": "w", "х": "x",
    "у": "y", "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J",
    "К": "K", "М": "M", "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "Α": "A", "Β": "B", "Ε": "E",
    "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
    "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin look-alikes and punctuation
    "ı": "i", "ȷ": "j", "ℓ": "l", "ß": "ss", "‐": "-", "‑": "-", "‒": "-", "–": "-",
    "—": "-", "―": "-", "−": "-", "‗": "_",
}  # fmt: skip
# Plain ASCII characters that are easily taken for one another.
_ASCII_ALIKE = [set("0Oo"), set("1lI|")]


def skeleton(word: str) -> str:
    """What ``word`` looks like in plain letters: compatibility forms folded (fullwidth,
    ligatures), invisible format characters dropped, look-alike letters mapped."""
    folded = unicodedata.normalize("NFKC", word)
    return "".join(_LOOKS_LIKE.get(c, c) for c in folded if unicodedata.category(c) != "Cf")


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``word``, or None when nothing is close enough."""
    pool = sorted(set(candidates))
    if word not in pool and not word.isascii():
        look = skeleton(word)
        for probe in (look, look.lower()):
            if probe in pool:
                return probe
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        if not matches and not word.isascii():
            matches = difflib.get_close_matches(skeleton(word).lower(), list(lowered), n=1)
        return lowered[matches[0]] if matches else None
    return matches[0]


def _char(c: str) -> str:
    """``U+0430 CYRILLIC SMALL LETTER A``; a control character by its code alone."""
    name = unicodedata.name(c, "")
    return f"U+{ord(c):04X} {name}" if name else f"U+{ord(c):04X}"


def _shown(word: str) -> str:
    return word if len(word) <= 60 else word[:60] + "..."


def _alike(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _ASCII_ALIKE)


def difference(word: str, guess: str) -> str:
    """Why ``word`` and ``guess`` may look the same but differ, when they differ by
    characters a reader cannot tell apart: non-ASCII characters (a Cyrillic ``а`` for
    ``a``, a zero-width space) or ASCII look-alikes (``0`` for ``O``). Empty otherwise.

    "'nаme' has a non-ASCII character, U+0430 CYRILLIC SMALL LETTER A, where 'name' has 'a'"
    """
    if word == guess:
        return ""
    parts: list[str] = []  # the non-ASCII characters, named
    alike: list[str] = []  # ASCII look-alikes (0 for O), named only if nothing else differs
    typos = 0  # other differing characters, which a reader can see
    matcher = difflib.SequenceMatcher(None, word, guess, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        ours, theirs = word[i1:i2], guess[j1:j2]
        if op == "equal":
            continue
        if op == "replace" and len(ours) == len(theirs):
            for a, b in zip(ours, theirs, strict=True):
                if not a.isascii():
                    parts.append(f"{_char(a)}, where '{_shown(guess)}' has '{b}'")
                elif _alike(a, b):
                    alike.append(f"'{a}' ({_char(a)}) where '{_shown(guess)}' has '{b}'")
                else:
                    typos += 1
        elif op in ("replace", "delete") and not ours.isascii():
            for a in ours:
                if a.isascii():
                    typos += 1
                elif op == "delete" or unicodedata.category(a) == "Cf":
                    parts.append(f"{_char(a)}, which '{_shown(guess)}' does not have")
                else:
                    parts.append(f"{_char(a)}, where '{_shown(guess)}' has '{theirs}'")
        else:
            typos += len(ours) + len(theirs)
    if parts:
        what = "non-ASCII character"
    elif alike and not typos:
        what, parts = "look-alike character", alike
    else:
        return ""
    if len(parts) == 1:
        return f"'{_shown(word)}' has a {what}, {parts[0]}"
    if len(parts) > 3:
        return f"'{_shown(word)}' has {len(parts)} {what}s, such as {parts[0]}"
    return f"'{_shown(word)}' has {what}s: " + "; ".join(parts)


def did_you_mean(word: str, candidates: Iterable[str], *, noun: str = "one") -> str:
    """A hint sentence: "did you mean 'x'?", or else every allowed value, comma-separated.

    The allowed values are listed whatever their number: a person who wrote something far
    from all of them needs to see what they may write, not be sent to look it up. When the
    guess differs only by characters that look alike, the hint names them.
    """
    pool = sorted(set(candidates))
    if not pool:
        return f"there are no {noun}s to choose from: define the {noun} first"
    guess = closest(word, pool)
    if guess is not None:
        return meant(word, guess)
    if len(pool) == 1:
        return f"write '{pool[0]}', the only {noun} allowed here"
    return f"use one of these {noun}s: " + ", ".join(pool)


def meant(word: str, guess: str, *, note: str = "") -> str:
    """ "did you mean 'guess'?", with ``note`` after it and the look-alike characters named."""
    why = difference(word, guess)
    hint = f"did you mean '{guess}'?{note}"
    return f"{hint} ({why})" if why else hint
