"""``check --record DB``: each decision stored in the register as it is written.

The register is opened (made, when missing) and the rule set's files stored before
anything is decided, so a register that cannot be used stops the run with nothing decided.
Decisions are recorded in this process, in report order, as each is written: one
transaction each, so a run killed part-way loses at most the decision in progress, and
``--jobs 1`` and ``--jobs N`` record the same entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from imsa_eligibility.errors import UsageError
from imsa_eligibility.printable import printable

if TYPE_CHECKING:
    from imsa_eligibility.panel.register import Register, WaiversFile
    from imsa_eligibility.panel.waivers import WaiverSet
    from imsa_eligibility.rules.model import RuleSet

    from .batch import Result


class Recorder:
    """Records decisions into one register for one run of ``check``."""

    def __init__(
        self,
        register: Register,
        ruleset: RuleSet,
        waivers: WaiversFile | None,
        nations: tuple[str, ...] | None,
        as_of: dt.date,
        engine: str,
    ) -> None:
        self.register = register
        self.ruleset = ruleset
        self.waivers = waivers
        self.nations = nations
        self.as_of = as_of
        self.engine = engine
        self.added = 0
        self.known = 0

    @classmethod
    def start(
        cls,
        path: Path,
        *,
        ruleset: RuleSet,
        waivers: WaiverSet | None,
        nations: tuple[str, ...] | None,
        as_of: dt.date,
        engine: str,
        output: Path | None,
    ) -> Recorder:
        """Open (or make) the register at ``path`` and store the rule set's files.

        Raises :class:`~imsa_eligibility.errors.UsageError` (exit 2) when it cannot be used.
        """
        from imsa_eligibility.panel.register import Register, ruleset_files

        if output is not None and _same(path, output):
            raise UsageError(
                f"--record {printable(str(path))} is also the --output; the report would "
                "replace the register: give them different files"
            )
        files = ruleset_files(ruleset)
        kept = _waivers_file(waivers) if waivers is not None else None
        register = Register.open(path, create=True)
        try:
            register.add_ruleset(files)
        except BaseException:
            register.close()
            raise
        return cls(register, ruleset, kept, nations, as_of, engine)

    def add(self, result: Result) -> None:
        """Record the decision of ``result`` (committed before this returns)."""
        from imsa_eligibility.panel.register import Record

        recorded = result.recorded
        if recorded is None:
            return
        _, new = self.register.record(
            Record(
                decision_json=recorded.decision_json,
                profile=recorded.profile,
                profile_syntax=recorded.syntax,
                ruleset_sha256=self.ruleset.sha256,
                as_of=self.as_of,
                nations_asked=self.nations,
                engine=self.engine,
                waivers=self.waivers,
                summary=recorded.summary,
            )
        )
        if new:
            self.added += 1
        else:
            self.known += 1

    def summary(self) -> str:
        """What was recorded, in one line."""
        plural = "s" if self.added != 1 else ""
        text = f"recorded {self.added} decision{plural} in {self.register.name}"
        if self.known:
            text += f" ({self.known} already recorded there)"
        return text

    def close(self) -> None:
        """Close the register."""
        self.register.close()


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()


def _waivers_file(waivers: WaiverSet) -> WaiversFile:
    """The waivers file's name and bytes, read again and checked against what was loaded."""
    from imsa_eligibility.panel.register import WaiversFile

    path = Path(waivers.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UsageError(
            f"cannot read the waivers file {printable(waivers.file)} again to record it: "
            f"{exc.strerror or exc}"
        ) from None
    if hashlib.sha256(content).hexdigest() != waivers.sha256:
        raise UsageError(
            f"the waivers file {printable(waivers.file)} changed after it was read, so the "
            "register would not hold the waivers applied; run the command again"
        )
    return WaiversFile(waivers.file, content)


def start_recording(
    path: Path | None,
    ruleset: RuleSet,
    waivers: WaiverSet | None,
    nations: list[str] | None,
    as_of: dt.date,
    engine: str,
    output: Path | None,
) -> Recorder | None:
    """The recorder of ``check --record PATH`` (None without ``--record``)."""
    if path is None:
        return None
    return Recorder.start(
        path,
        ruleset=ruleset,
        waivers=waivers,
        nations=tuple(nations) if nations is not None else None,
        as_of=as_of,
        engine=engine,
        output=output,
    )
