"""``init``: the guided interview in the terminal (or one answer a line on standard input).

The flow is :mod:`imsa_eligibility.selfassess.interview`; this module asks, reads, saves
after every answer (atomically) and, when the interview is done, writes the commented
profile and shows its decision as ``check`` does. Ctrl-C or the end of the input saves
what was answered and says how to carry on (``init --resume FILE``).
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from imsa_eligibility.engine import engine_for
from imsa_eligibility.errors import ProfileError
from imsa_eligibility.profile.load import load_profile_text
from imsa_eligibility.rules.load import load_ruleset
from imsa_eligibility.selfassess.interview import (
    Interview,
    InvalidAnswerError,
    Step,
    ordered,
    parse,
    read_state,
    render,
)
from imsa_eligibility.vocabulary import Outcome

from . import console
from .exitcodes import INVALID

INTERRUPTED = 130


def _out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _hint(step: Step) -> str:
    if step.kind == "more":
        return "yes or no"
    if step.kind == "bool":
        hint = "yes or no"
    elif step.kind == "choice":
        hint = "a number or a name"
    elif step.kind == "multi":
        hint = "numbers or names, separated by commas" + (
            "" if step.path == "organisation.nations" else "; none if none"
        )
    elif step.kind == "share":
        hint = "a number from 0 to 1, such as 0.25, or a percentage such as 25%"
    elif step.kind in ("count", "pounds"):
        hint = "a whole number"
    else:
        hint = "text"
    if step.default is not None:
        hint += f"; blank for {step.default}"
    elif not step.required:
        hint += "; blank if you do not know"
    return hint + "; ? for help"


def _show(step: Step) -> None:
    q = step.question
    if step.kind == "more":
        _out(f"\n{q.ask}\n")
        if step.count:
            _out(f"  You have added {step.count}. Add another? ({_hint(step)})\n")
        else:
            _out(f"  Add one? (say no if there are none; {_hint(step)})\n")
        return
    about = f"[{step.about}] " if step.about else ""
    _out(f"\n{about}{q.ask}\n")
    for i, (_value, words) in enumerate(step.choices, start=1):
        _out(f"  {i}. {words}\n")
    _out(f"  ({_hint(step)})\n")


def _save(path: Path | None, iv: Interview, *, done: bool = False) -> None:
    if path is None:
        return
    data = ordered(iv.data)
    text = render(data, state=None if done else iv.state(), header=_header(done))
    console.write_atomically(path, text.encode("utf-8"))


def _header(done: bool) -> list[str]:
    lines = [
        "Profile written by imsa-eligibility init: each comment is the question answered.",
        "A fact left out is one you did not know; check says what it still needs.",
    ]
    if not done:
        lines.append("Not finished yet: carry on with imsa-eligibility init --resume on this file.")
    return lines


def _load(path: Path) -> tuple[dict[str, Any], str | None, bool]:
    text = path.read_text(encoding="utf-8")
    unfinished, state = read_state(text)
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError("not a profile")
    for item in data.get("related_organisations") or []:
        if isinstance(item, dict) and isinstance(item.get("income_share"), float | int):
            item["income_share"] = Decimal(str(item["income_share"]))
    return data, state, unfinished


def run_init(file: Path | None, resume: Path | None, *, as_of: dt.date) -> int:
    """Interview the user, save as they answer, then show the decision; the exit code."""
    ruleset = load_ruleset(None)
    iv = Interview(ruleset, engine_for("native", ruleset), as_of)
    target = resume or file
    if resume is not None:
        try:
            data, state, unfinished = _load(resume)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            console.notice(f"error: cannot carry on from {resume}: {exc}")
            return INVALID
        if not unfinished:
            console.notice(
                f"error: {resume} is not an unfinished interview; check it with "
                f"imsa-eligibility check {resume}"
            )
            return INVALID
        iv.restore(data, state)
        _out(f"Carrying on from {resume}.\n")
    elif file is not None and file.exists():
        console.notice(
            f"error: {file} already exists; choose another file name, or carry on with "
            f"imsa-eligibility init --resume {file}"
        )
        return INVALID
    else:
        _out(
            "A few questions about your organisation decide whether it could employ an "
            "Independent Modern Slavery Advocate (IMSA).\nOnly questions that matter for "
            "the nations you choose are asked. Type ? for help on a question.\n"
        )
    ask = _ask_terminal if sys.stdin.isatty() and sys.stdout.isatty() else _ask_line
    try:
        while (step := iv.next_step()) is not None:
            ask(iv, step)
            if target is None and iv.data.get("organisation", {}).get("id"):
                target = Path(f"{iv.data['organisation']['id']}.yaml")
                if target.exists():
                    target = _free(target)
                _out(f"  (Your answers are saved as you go in {target}.)\n")
            _save(target, iv)
    except (EOFError, KeyboardInterrupt):
        _save(target, iv)
        if target is None:
            console.notice("stopped before anything was saved")
        else:
            console.notice(
                f"stopped; your answers so far are saved in {target}. Carry on with: "
                f"imsa-eligibility init --resume {target}"
            )
        return INTERRUPTED
    assert target is not None
    iv.finish_item_ids()
    _save(target, iv, done=True)
    try:
        load_profile_text(str(target), target.read_bytes())
    except ProfileError as exc:  # a bug in the interview: say so, keep the file
        console.problems(exc.problems)
        return INVALID
    settled = [n.label for n, (outcome, _) in iv.decide().items() if outcome is Outcome.INELIGIBLE]
    if settled:
        _out(
            f"\nNothing more was asked for {' and '.join(settled)}: what you have said already "
            "rules it out there, and no other answer could change that.\n"
        )
    _out(f"\nThank you. Your profile is in {target}. Here is the decision:\n\n")
    from .check import run_check

    code = run_check(
        [target],
        nations=None,
        rules=None,
        as_of=as_of,
        engine=None,
        fmt="text",
        output=None,
    )
    _out(
        "\nWhat next:\n"
        f"  imsa-eligibility check {target} --what-if     what you could change for a "
        "better outcome\n"
        f"  imsa-eligibility check {target} -o letter     the decision as a letter to "
        "your organisation\n"
        f"  Edit {target} when something changes, and check it again.\n"
    )
    return code


def _ask_line(iv: Interview, step: Step) -> None:
    """Ask ``step`` on a plain line (a pipe or a script): until the answer is taken."""
    while True:
        _show(step)
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        if line.strip() == "?":
            _out(f"  {step.question.help or 'No more help for this question.'}\n")
            continue
        try:
            iv.answer(step, parse(step, line))
        except InvalidAnswerError as exc:
            _out(f"  Sorry: {exc}.\n")
            continue
        return


_UNKNOWN = "\x00unknown"
_HELP = "\x00help"


def _ask_terminal(iv: Interview, step: Step) -> None:
    """Ask ``step`` in a terminal: arrow keys for choices, space to tick, ? for help."""
    import questionary

    q = step.question
    title = f"[{step.about}] {q.ask}" if step.about else q.ask
    while True:
        value: Any
        if step.kind in ("bool", "more"):
            if step.kind == "more":
                title = f"{q.ask} " + (
                    f"You have added {step.count}. Add another?" if step.count else "Add one?"
                )
            options = [questionary.Choice("Yes", True), questionary.Choice("No", False)]
            if step.kind == "bool":
                options.append(questionary.Choice("I don't know", _UNKNOWN))
            options.append(questionary.Choice("? What does this mean?", _HELP))
            value = questionary.select(title, options, qmark="?").unsafe_ask()
        elif step.kind == "choice":
            options = [questionary.Choice(words, v) for v, words in step.choices]
            if not step.required:
                options.append(questionary.Choice("I don't know", _UNKNOWN))
            options.append(questionary.Choice("? What does this mean?", _HELP))
            value = questionary.select(title, options, qmark="?").unsafe_ask()
        elif step.kind == "multi":
            if q.help:
                _out(f"  {q.help}\n")
            options = [questionary.Choice(words, v) for v, words in step.choices]
            if not step.required:
                options.append(questionary.Choice("I don't know", _UNKNOWN))
            value = questionary.checkbox(
                title,
                options,
                qmark="?",
                instruction="(space to tick, enter when done; none ticked means none)",
            ).unsafe_ask()
            value = None if _UNKNOWN in value else value
        else:
            hint = " (? for help" + ("" if step.required else ", blank if you do not know") + ")"
            text = questionary.text(
                title + hint, default=str(step.default or ""), qmark="?"
            ).unsafe_ask()
            if text.strip() == "?":
                value = _HELP
            else:
                try:
                    value = parse(step, text)
                except InvalidAnswerError as exc:
                    _out(f"  Sorry: {exc}.\n")
                    continue
        if value == _HELP:
            _out(f"  {q.help or 'No more help for this question.'}\n")
            continue
        if value == _UNKNOWN:
            value = None
        try:
            iv.answer(step, value)
        except InvalidAnswerError as exc:
            _out(f"  Sorry: {exc}.\n")
            continue
        return


def _free(path: Path) -> Path:
    n = 2
    while (found := path.with_name(f"{path.stem}-{n}{path.suffix}")).exists():
        n += 1
    return found
