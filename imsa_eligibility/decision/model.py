"""The result of deciding a profile: evidence, findings, per-nation decisions, the decision.

Plain immutable data; nothing here decides anything. :mod:`.decide` makes these objects
from an engine's explanations, and :mod:`.outcome` derives outcomes from findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..vocabulary import Effect, Nation, Outcome, Verdict


@dataclass(frozen=True)
class EvidenceItem:
    """A fact a verdict rests on, located in the profile.

    With ``checked``, the item summarises a list: ``value`` items were checked, and the
    evidence of ``omitted`` of them is not listed.
    """

    path: str
    value: Any
    file: str
    line: int | None
    chain: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()
    at_least: bool = False
    checked: bool = False
    omitted: int = 0


@dataclass(frozen=True)
class AppliedWaiver:
    """The panel's waiver that a finding is waived by, as the report shows it.

    ``file`` and ``line`` locate the waiver in its waivers file; the rest is what the panel
    wrote. Made by :mod:`imsa_eligibility.panel.waivers`, which this layer never imports.
    """

    file: str
    line: int
    panel: str
    approved_by: str
    approved_on: dt.date
    expires: dt.date
    justification: str
    conditions: str | None = None


@dataclass(frozen=True)
class Finding:
    """One applicable rule's verdict for one nation, with its reasons.

    ``waived`` findings (a panel's waiver in force, ``waiver``) keep their verdict but no
    longer count towards the outcome.
    """

    rule: str
    title: str
    section: int
    effect: Effect
    verdict: Verdict
    waivable: bool
    because: str
    remedy: str
    source: str
    evidence: tuple[EvidenceItem, ...]
    to_provide: tuple[str, ...] = ()
    waived: bool = False
    waiver: AppliedWaiver | None = None

    @property
    def counts(self) -> bool:
        """Whether the finding can change the outcome (not advice, not waived)."""
        return self.effect.counts and not self.waived


@dataclass(frozen=True)
class Change:
    """One change to a profile's fact: the fact's report path, its value before (None when
    unknown) and after (never None; a whole list for a list fact).

    ``about`` names the list item the fact belongs to (a funder's or a person's name), for
    people reading the change; empty for a fact of the organisation itself.
    """

    path: str
    before: Any
    after: Any
    about: str = ""


@dataclass(frozen=True)
class WhatIf:
    """A set of changes that, made together, give the nation a better ``outcome``.

    Made by :mod:`imsa_eligibility.selfassess.whatif` (``check --what-if``), which this
    layer never imports; it verified ``outcome`` by deciding the changed profile.
    """

    changes: tuple[Change, ...]
    outcome: Outcome


@dataclass(frozen=True)
class NationDecision:
    """The outcome for one nation and every finding behind it.

    ``what_if`` is None unless suggestions were asked for (``check --what-if``); then it
    holds them, best first (empty when none was found, or the nation is eligible).
    """

    nation: Nation
    outcome: Outcome
    to_provide: tuple[str, ...]
    findings: tuple[Finding, ...]
    what_if: tuple[WhatIf, ...] | None = None


@dataclass(frozen=True)
class Decision:
    """The decision on one profile, with what is needed to replay it.

    ``engine`` decided the verdicts; ``verified_by`` decided them again and agreed (None
    when one engine decided alone). ``waivers_sha256`` is the sha256 of the panel's waivers
    file the findings were checked against (None when there was none).
    """

    file: str
    organisation_id: str
    organisation_name: str
    outcome: Outcome
    nations: tuple[NationDecision, ...]
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    profile_sha256: str
    tool_version: str
    as_of: dt.date
    engine: str
    verified_by: str | None = None
    notes: tuple[str, ...] = field(default=())
    waivers_sha256: str | None = None
