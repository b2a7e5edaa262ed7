"""The plain question for every fact of a profile: what reports, the interview and the letter ask.

A fact is named by its *field path*: dots, no list indexes (``governance.ico_registered``,
``related_organisations.income_share``, ``people.affiliations.current``). Report paths with
indexes (``related_organisations[0].income_share``) are accepted everywhere and read as
their field path. The items of the derived ``control_chain`` (the bodies that control the
applicant) are related organisations, asked about as such.

Every fact has a question (``ask``) and a short ``help``; every value of an enumeration has
plain words (``labels``); every true/false fact says what the organisation would do to make
it true (``yes``) or false (``no``), as a phrase that follows "If you ...". The tests check
that nothing is left out, so a new field of the profile needs its question here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .enums import (
    DeliveryModel,
    Function,
    FundingCondition,
    KeyArea,
    LegalForm,
    Nation,
    Register,
    Relation,
    Role,
    Vetting,
)

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Question:
    """How to ask for one fact, in plain words.

    ``ask`` is the question ("Is your organisation registered with the Information
    Commissioner's Office?"); ``help`` a sentence or two on what it means; ``labels`` the
    plain words for each enum value (for list facts, of each item's values); ``yes`` and
    ``no`` (true/false facts) what the organisation would do to make it true or false, as a
    phrase that follows "If you ..." ("register with the Information Commissioner's Office",
    "stop charging survivors for the service"). ``add`` and ``remove`` (list facts, where
    it reads better than the general wording) say the same for values added to the list or
    taken off it, with ``{values}`` for their plain words ("get {values} for your IMSAs");
    ``change`` the same for a new number or text, with ``{value}``.
    """

    path: str
    ask: str
    help: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    yes: str = ""
    no: str = ""
    add: str = ""
    remove: str = ""
    change: str = ""


# --- plain words for the values of each enumeration -------------------------------------

LEGAL_FORMS: Mapping[str, str] = {
    LegalForm.CHARITABLE_INCORPORATED_ORGANISATION: "charitable incorporated organisation (CIO)",
    LegalForm.SCOTTISH_CHARITABLE_INCORPORATED_ORGANISATION: (
        "Scottish charitable incorporated organisation (SCIO)"
    ),
    LegalForm.CHARITABLE_COMPANY: "charitable company (a company that is also a charity)",
    LegalForm.UNINCORPORATED_CHARITY: (
        "unincorporated charity (such as a charitable trust or association)"
    ),
    LegalForm.COMMUNITY_INTEREST_COMPANY: "community interest company (CIC)",
    LegalForm.COMPANY_LIMITED_BY_GUARANTEE: "company limited by guarantee that is not a charity",
    LegalForm.COMPANY_LIMITED_BY_SHARES: "company limited by shares",
    LegalForm.COMMUNITY_BENEFIT_SOCIETY: "community benefit society",
    LegalForm.LOCAL_AUTHORITY: "local council",
    LegalForm.NHS_BODY: "NHS body (such as an NHS trust or health board)",
    LegalForm.STATUTORY_BODY: "another public body set up by law",
    LegalForm.CROWN_BODY: "government department or other Crown body",
    LegalForm.PARTNERSHIP: "partnership",
    LegalForm.OTHER: "something else",
}

FUNCTIONS: Mapping[str, str] = {
    Function.POLICING: "policing (a police force or the National Crime Agency)",
    Function.PROSECUTION: "prosecuting crimes (such as the Crown Prosecution Service)",
    Function.IMMIGRATION_ENFORCEMENT: "immigration enforcement",
    Function.BORDER_CONTROL: "border control (such as Border Force)",
    Function.LABOUR_MARKET_ENFORCEMENT: (
        "enforcing work laws (such as the Gangmasters and Labour Abuse Authority)"
    ),
    Function.NRM_DECISION_MAKING: (
        "deciding whether someone is recognised as a victim of modern slavery (National "
        "Referral Mechanism decisions)"
    ),
    Function.POLICING_OVERSIGHT: "overseeing the police (such as a Police and Crime Commissioner)",
    Function.VICTIM_SERVICES_COMMISSIONING: "paying for services for victims of crime",
    Function.LOCAL_AUTHORITY_SERVICES: "council services",
    Function.HEALTH_SERVICES: "health services",
    Function.SOCIAL_CARE: "social care",
    Function.HOUSING_PROVISION: "providing housing",
    Function.ACCOMMODATION_PROVISION: "providing accommodation (such as safe houses)",
    Function.VICTIM_CARE_CONTRACT_SUPPORT: (
        "support for survivors under the government's modern slavery victim care contract"
    ),
    Function.LEGAL_SERVICES: "legal services",
    Function.IMMIGRATION_ADVICE: "immigration advice",
    Function.ADVOCACY: "advocacy",
    Function.FIRST_RESPONDER: (
        "first responder (can refer people to the National Referral Mechanism)"
    ),
    Function.EMPLOYMENT_AGENCY: "finding people work (an employment agency or labour provider)",
    Function.FAITH_ORGANISATION: "faith group (such as a church, mosque or temple)",
    Function.RESEARCH: "research",
    Function.TRAINING: "training",
    Function.OTHER: "something else",
}

NATIONS: Mapping[str, str] = {nation.value: nation.label for nation in Nation}

DELIVERY_MODELS: Mapping[str, str] = {
    DeliveryModel.LOCAL: "local (one area)",
    DeliveryModel.NATIONAL: "national (the whole country)",
}

RELATIONS: Mapping[str, str] = {
    Relation.PARENT: "parent body (it owns or runs you)",
    Relation.CONTROLLING_MEMBER: "controlling member (it can appoint or remove most of your board)",
    Relation.SUBSIDIARY: "subsidiary (you own or run it)",
    Relation.FUNDER: "funder (it gives you money)",
    Relation.COMMISSIONER: "commissioner (it pays you to run a service)",
    Relation.PARTNER: "partner (you work together)",
    Relation.CO_LOCATED: "shares a building or office with you",
    Relation.DATA_SHARING: "you share information about people with it",
}

FUNDING_CONDITIONS: Mapping[str, str] = {
    FundingCondition.CASE_DATA_SHARING: "sharing survivors' case information with the funder",
    FundingCondition.PROSECUTION_OUTCOME_TARGETS: "targets for prosecutions or convictions",
    FundingCondition.REFERRAL_QUOTAS: "a set number of referrals to make",
}

ROLES: Mapping[str, str] = {
    Role.TRUSTEE: "trustee",
    Role.DIRECTOR: "director",
    Role.CHAIR: "chair",
    Role.CHIEF_EXECUTIVE: "chief executive",
    Role.IMSA: "IMSA",
    Role.IMSA_MANAGER: "IMSA manager",
    Role.SAFEGUARDING_LEAD: "safeguarding lead",
    Role.VOLUNTEER: "volunteer",
}

VETTING: Mapping[str, str] = {
    Vetting.ENHANCED_DBS_ADULTS_BARRED: "enhanced DBS check with the adults' barred list",
    Vetting.ENHANCED_DBS: "enhanced DBS check (without the barred list)",
    Vetting.BASIC_DBS: "basic DBS check",
    Vetting.PVG_PROTECTED_ADULTS: "PVG scheme membership for work with protected adults",
    Vetting.ENHANCED_ACCESSNI: "enhanced AccessNI check",
}

REGISTERS: Mapping[str, str] = {
    Register.CHARITY_COMMISSION_ENGLAND_WALES: "Charity Commission for England and Wales",
    Register.OSCR: "Scottish Charity Regulator (OSCR)",
    Register.CHARITY_COMMISSION_NORTHERN_IRELAND: "Charity Commission for Northern Ireland",
    Register.COMPANIES_HOUSE: "Companies House",
}

KEY_AREAS: Mapping[str, str] = {
    KeyArea.HEALTH_AND_SOCIAL_CARE: "health and social care",
    KeyArea.HOUSING_AND_SUBSISTENCE: "housing and money to live on",
    KeyArea.SURVIVOR_SUPPORT_AND_NRM: "survivor support and the National Referral Mechanism",
    KeyArea.REDUCING_RISK_AND_INCREASING_RESILIENCE: "reducing risk and building resilience",
    KeyArea.CRIMINAL_JUSTICE: "the police and the courts, when a crime is prosecuted",
    KeyArea.CIVIL_JUSTICE: "civil matters, such as compensation and employment claims",
    KeyArea.MULTI_AGENCY_AND_PARTNERSHIP_WORKING: "working with other agencies and partners",
    KeyArea.INDEPENDENT_ADVOCACY_AND_THE_IMSA_MODEL: (
        "independent advocacy and how the IMSA model works"
    ),
}


def _plain(labels: Mapping[str, str]) -> dict[str, str]:
    """Enum members as their plain values (``str(member)``), for lookups by the value."""
    return {str(key): text for key, text in labels.items()}


_ID_HELP = "Lower-case letters, digits and hyphens, 2 to 63 characters, such as {example}."


def _related(prefix: str, whose: str) -> list[Question]:
    """The questions about a related organisation; ``prefix`` is its scope, ``whose`` how
    to call it ("this organisation", "this organisation that controls you")."""
    return [
        Question(
            f"{prefix}.id",
            f"What short name (id) will you use for {whose} in this form?",
            "Used only to refer to it within the form. "
            + _ID_HELP.format(example="northshire-pcc"),
        ),
        Question(
            f"{prefix}.name",
            f"What is the full name of {whose}?",
            "Its name as it is registered or as it calls itself.",
        ),
        Question(
            f"{prefix}.functions",
            f"What does {whose} do?",
            "Choose every one that fits, or none if none fits. This matters most for the police "
            "and the bodies that oversee them.",
            _plain(FUNCTIONS),
        ),
        Question(
            f"{prefix}.relations",
            f"How is {whose} linked to you?",
            "Choose every link that applies: it may fund you, run you, share a building or "
            "share information with you.",
            _plain(RELATIONS),
        ),
        Question(
            f"{prefix}.income_share",
            f"What part of your income comes from {whose}?",
            "A number from 0 to 1: 0.2 means a fifth (20%), 0.5 means half. Answer this for "
            "funders and commissioners.",
        ),
        Question(
            f"{prefix}.funding_conditions",
            f"Does {whose} attach any conditions to its money?",
            "Choose every condition that applies, or none. Some conditions would make your "
            "IMSAs answer to the funder.",
            _plain(FUNDING_CONDITIONS),
            remove=f"agree with {whose} that its money will no longer require {{values}}",
        ),
        Question(
            f"{prefix}.registrations",
            f"Which public registers is {whose} on?",
            "Optional. Its charity or company numbers help the accreditation panel spot its "
            "own members' conflicts of interest.",
        ),
        Question(
            f"{prefix}.registrations.register",
            f"Which register is {whose} on?",
            "The charity regulator or Companies House.",
            _plain(REGISTERS),
        ),
        Question(
            f"{prefix}.registrations.number",
            f"What is {whose}'s number on that register?",
            "Write it exactly as the register shows it, in quotes, so that a leading 0 is kept.",
        ),
        Question(
            f"{prefix}.controlled_by",
            f"Which of the organisations you listed own or control {whose}?",
            "Give their short names (ids) from your list of linked organisations, or none. This "
            "shows who is ultimately in charge of you.",
        ),
    ]


def _registration(prefix: str) -> list[Question]:
    return [
        Question(
            f"{prefix}.register",
            "Which register is your organisation on?",
            "The charity regulator for your nation, or Companies House.",
            _plain(REGISTERS),
        ),
        Question(
            f"{prefix}.number",
            "What is your number on that register?",
            "Write it exactly as the register shows it, in quotes, so that a leading 0 is kept "
            '(for example "01234567" for Companies House).',
        ),
    ]


_ALL: list[Question] = [
    Question(
        "schema_version",
        "Which version of the form is this?",
        "Always 1 for now. You do not need to change it.",
    ),
    # --- the organisation ------------------------------------------------------------
    Question(
        "organisation.id",
        "What short name (id) shall we use for your organisation in files and reports?",
        _ID_HELP.format(example="riverside-hope"),
    ),
    Question(
        "organisation.name",
        "What is your organisation's full name?",
        "Your name exactly as it is registered.",
    ),
    Question(
        "organisation.legal_form",
        "What kind of organisation are you (your legal form)?",
        "Your governing document or your entry on the charity or company register says which.",
        _plain(LEGAL_FORMS),
    ),
    Question(
        "organisation.functions",
        "What does your organisation do?",
        "Choose every one that fits, or none if none fits.",
        _plain(FUNCTIONS),
    ),
    Question(
        "organisation.nations",
        "In which UK nations would you employ IMSAs?",
        "Choose at least one. Each nation is decided separately.",
        _plain(NATIONS),
    ),
    Question(
        "organisation.delivery_model",
        "Will your IMSA service cover one local area, or the whole country?",
        "A local service works in one area; a national service works across the nation.",
        _plain(DELIVERY_MODELS),
    ),
    Question(
        "organisation.registrations",
        "Which public registers is your organisation on?",
        "Such as the charity regulator for your nation, or Companies House. Say none if you are "
        "on none.",
        add="register with {values}",
    ),
    *_registration("organisation.registrations"),
    Question(
        "organisation.annual_income_gbp",
        "What was your organisation's total income last year, in pounds?",
        "A whole number of pounds, such as 250000. Your latest accounts show it.",
    ),
    Question(
        "organisation.public_funding_gbp",
        "How much of your income last year came from public bodies, in pounds?",
        "Money from councils, government, Police and Crime Commissioners or the NHS. It cannot "
        "be more than your total income.",
    ),
    # --- linked organisations -----------------------------------------------------------
    Question(
        "related_organisations",
        "Which other organisations are linked to you?",
        "Your funders, any body that owns or runs you, partners, and bodies you share a "
        "building or information with. Say none if there are none.",
    ),
    *_related("related_organisations", "this organisation"),
    Question(
        "control_chain",
        "Which organisations own or control you, directly or through others?",
        "Worked out from your linked organisations: those that are your parent body or "
        "controlling member, and whoever controls them.",
    ),
    *_related("control_chain", "this organisation that controls you"),
    # --- people -------------------------------------------------------------------
    Question(
        "people",
        "Who are your trustees, directors, chair and IMSA staff?",
        "List each person once, with what they do for you. Say none if you list nobody.",
    ),
    Question(
        "people.id",
        "What short name (id) will you use for this person in this form?",
        _ID_HELP.format(example="chair-1") + " It need not be their name.",
    ),
    Question(
        "people.name",
        "What is this person's name?",
        "Optional: you may leave it out.",
    ),
    Question(
        "people.roles",
        "What does this person do for your organisation?",
        "Choose every role they have.",
        _plain(ROLES),
    ),
    Question(
        "people.affiliations",
        "Which other organisations does this person work or volunteer for, now or in the past?",
        "Say none if there are none. This shows whether anyone on your board is linked to the "
        "police or similar bodies.",
    ),
    Question(
        "people.affiliations.organisation",
        "What is the name of that other organisation?",
        "Its full name.",
    ),
    Question(
        "people.affiliations.functions",
        "What does that other organisation do?",
        "Choose every one that fits, or none if none fits.",
        _plain(FUNCTIONS),
    ),
    Question(
        "people.affiliations.current",
        "Is this person still with that other organisation?",
        "Yes if they still work or volunteer there; no if they have left.",
        yes="have this person keep their place at that organisation",
        no="make sure this person has left that organisation",
    ),
    # --- governance -----------------------------------------------------------------
    Question(
        "governance.conflict_of_interest_policy",
        "Do you have a written policy on handling conflicts of interest?",
        "It says what trustees and staff must do when their own interests could clash with "
        "the organisation's or a survivor's.",
        yes="adopt a written conflict of interest policy",
        no="withdraw your written conflict of interest policy",
    ),
    Question(
        "governance.register_of_interests",
        "Do you keep a list of the outside interests of your trustees and senior staff?",
        "A register of interests: other jobs, roles and links that could matter to your work.",
        yes="start keeping a register of your trustees' and senior staff's interests",
        no="stop keeping a register of interests",
    ),
    Question(
        "governance.safeguarding_policy",
        "Do you have a written safeguarding policy for keeping adults at risk safe?",
        "It says how you protect the people you support from harm, and what staff do when they "
        "are worried about someone.",
        yes="adopt a written safeguarding policy for adults at risk",
        no="withdraw your safeguarding policy",
    ),
    Question(
        "governance.complaints_procedure",
        "Can people complain to you, and do you have a written way of dealing with complaints?",
        "A complaints procedure: how someone complains, and how you answer.",
        yes="adopt a written complaints procedure",
        no="withdraw your complaints procedure",
    ),
    Question(
        "governance.whistleblowing_policy",
        "Do you have a written whistleblowing policy, so staff can raise concerns safely?",
        "It tells staff how to report wrongdoing without fear of losing their job.",
        yes="adopt a written whistleblowing policy",
        no="withdraw your whistleblowing policy",
    ),
    Question(
        "governance.lived_experience_in_governance",
        "Do people who have survived modern slavery help run or steer your organisation?",
        "For example as trustees, or on an advisory group whose advice your board hears.",
        yes="involve people who have survived modern slavery in running or steering your "
        "organisation",
        no="no longer involve survivors in running your organisation",
    ),
    Question(
        "governance.ico_registered",
        "Is your organisation registered with the Information Commissioner's Office (ICO)?",
        "Organisations that handle personal information pay the ICO a yearly data protection "
        "fee; paying it registers you.",
        yes="register with the Information Commissioner's Office (pay the data protection fee)",
        no="end your registration with the Information Commissioner's Office",
    ),
    # --- the IMSA service -------------------------------------------------------------
    Question(
        "imsa_service.planned_imsas",
        "How many IMSAs do you plan to employ?",
        "A whole number, 1 or more.",
    ),
    Question(
        "imsa_service.accredited_imsas",
        "How many of your IMSAs already hold the IMSA accreditation?",
        "A whole number, 0 or more.",
        change="have {value} of your IMSAs accredited",
    ),
    Question(
        "imsa_service.clinical_supervision",
        "Will your IMSAs get regular supervision from a qualified clinical supervisor?",
        "Clinical supervision protects the wellbeing of staff who hear about serious harm.",
        yes="arrange regular clinical supervision for your IMSAs",
        no="stop clinical supervision for your IMSAs",
    ),
    Question(
        "imsa_service.supervision_independent_of_line_management",
        "Is that clinical supervisor someone other than the IMSA's line manager?",
        "The supervisor should not be the person who manages the IMSA's day-to-day work.",
        yes="make sure the clinical supervisor is not the IMSA's line manager",
        no="have the line manager do the clinical supervision",
    ),
    Question(
        "imsa_service.vetting_checks",
        "Which criminal record checks will your IMSAs have?",
        "Choose every check they have. Each nation expects its own check for work with adults "
        "at risk.",
        _plain(VETTING),
        add="get your IMSAs the {values}",
    ),
    Question(
        "imsa_service.information_barrier",
        "Will you keep IMSA records and management apart from your other services?",
        "For example, a housing team must not be able to read IMSA case notes, and must not "
        "manage the IMSAs.",
        yes="keep IMSA records and management apart from your other services",
        no="share IMSA records and management with your other services",
    ),
    Question(
        "imsa_service.gives_immigration_advice",
        "Will your IMSAs give advice on immigration matters themselves?",
        "Advice about someone's own immigration case, rather than pointing them to an adviser.",
        yes="have your IMSAs give immigration advice themselves",
        no="stop your IMSAs giving immigration advice themselves, and refer survivors to "
        "regulated advisers instead",
    ),
    Question(
        "imsa_service.immigration_advice_regulated",
        "Are the people who give that immigration advice regulated by the Immigration Advice "
        "Authority?",
        "The Immigration Advice Authority was formerly called OISC. Advisers must be registered "
        "with it (or otherwise allowed by law) to give immigration advice.",
        yes="have your immigration advisers regulated by the Immigration Advice Authority",
        no="give immigration advice without regulation",
    ),
    Question(
        "imsa_service.welsh_language_provision",
        "Can you offer the IMSA service in Welsh?",
        "Survivors in Wales may ask to be supported in Welsh.",
        yes="offer the IMSA service in Welsh",
        no="stop offering the service in Welsh",
    ),
    Question(
        "imsa_service.key_areas_covered",
        "Which of the eight areas of the IMSA role are your IMSAs trained in, or have specialist "
        "support for?",
        "Choose every area covered. The IMSA role spans all eight.",
        _plain(KEY_AREAS),
        add="train your IMSAs in, or arrange specialist support for: {values}",
    ),
    Question(
        "imsa_service.charges_survivors",
        "Will survivors have to pay for the IMSA service?",
        "The IMSA service should be free to the survivors it supports.",
        yes="start charging survivors for the service",
        no="stop charging survivors for the service",
    ),
    Question(
        "imsa_service.serves_children",
        "Do you plan for your IMSAs to support children (under 18)?",
        "Children who may have been trafficked have their own guardianship services.",
        yes="plan for your IMSAs to support children too",
        no="keep your IMSA service to adults (18 and over)",
    ),
    # --- insurance --------------------------------------------------------------------
    Question(
        "insurance.employers_liability",
        "Do you hold employers' liability insurance?",
        "It pays if an employee is injured or falls ill because of their work. Most employers "
        "must hold it by law.",
        yes="take out employers' liability insurance",
        no="end your employers' liability insurance",
    ),
    Question(
        "insurance.professional_indemnity",
        "Do you hold professional indemnity insurance?",
        "It pays if your advice or support causes someone a loss.",
        yes="take out professional indemnity insurance",
        no="end your professional indemnity insurance",
    ),
]

QUESTIONS: Mapping[str, Question] = {q.path: q for q in _ALL}


def field_path(path: str) -> str:
    """``related_organisations[0].income_share`` -> ``related_organisations.income_share``."""
    return _INDEX.sub("", path)


def question(path: str) -> Question | None:
    """The question for the fact at ``path`` (a field path or a report path), if any."""
    return QUESTIONS.get(field_path(path))


def ask(path: str) -> str:
    """The plain question for ``path``; the path itself when there is none."""
    found = question(path)
    return found.ask if found else path


def label(path: str, value: Any) -> str:
    """The plain words for ``value`` of the fact at ``path``."""
    found = question(path)
    text = str(value)
    if found and text in found.labels:
        return found.labels[text]
    return text.replace("_", " ")


def describe(path: str, value: Any) -> str:
    """``value`` of the fact at ``path`` in plain words: yes or no, the labels of a list's
    values joined with commas ("none" for an empty list), "not given" for None."""
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        if not value:
            return "none"
        parts = [
            describe(path, v) if isinstance(v, dict | list | tuple) else label(path, v)
            for v in value
        ]
        return ("; " if any("," in p for p in parts) else ", ").join(parts)
    if isinstance(value, dict):
        if set(value) == {"register", "number"}:  # a registration
            return f"{label(path + '.register', value['register'])} (number {value['number']})"
        return ", ".join(f"{k}: {describe(f'{path}.{k}', v)}" for k, v in value.items())
    if isinstance(value, float | Decimal) and field_path(path).endswith("income_share"):
        return f"{(Decimal(str(value)) * 100).normalize():f}%"
    if isinstance(value, int) and field_path(path).endswith("_gbp"):
        return f"£{value:,}"
    if isinstance(value, int | float | Decimal):
        return f"{value:,}" if isinstance(value, int) else str(value)
    return label(path, value)


def action(path: str, before: Any, after: Any) -> str:
    """What the organisation would do to change the fact at ``path`` from ``before`` to
    ``after``, as a phrase that follows "If you ..." (for the what-if suggestions).

    True/false facts use the question's ``yes`` and ``no``; lists say what is added and
    what is removed; anything else is "change" the fact's plain name "to" the value.
    """
    found = question(path)
    if isinstance(after, bool) and found is not None:
        phrase = found.yes if after else found.no
        if phrase:
            return phrase
    if isinstance(after, list | tuple) and isinstance(before, list | tuple | None):
        had = list(before or [])
        added = [v for v in after if v not in had]
        removed = [v for v in had if v not in after]
        parts = []
        if added and found is not None and found.add:
            parts.append(found.add.format(values=_and([_words(path, v) for v in added])))
        elif added:
            parts.append(_subject(path, "add " + _and([_item(path, v) for v in added])))
        if removed and found is not None and found.remove:
            parts.append(found.remove.format(values=_and([_words(path, v) for v in removed])))
        elif removed:
            parts.append(_subject(path, "remove " + _and([_item(path, v) for v in removed])))
        if parts:
            return ", and ".join(parts)
        if not after:
            return _subject(path, "answer none")
    if found is not None and found.change and not isinstance(after, list | tuple | dict):
        return found.change.format(value=describe(path, after))
    return f"change your answer to “{ask(path)}” to {describe(path, after)}"


def _words(path: str, value: Any) -> str:
    return describe(path, value) if isinstance(value, dict) else label(path, value)


def _item(path: str, value: Any) -> str:
    if isinstance(value, dict):
        return describe(path, value)
    return f"“{label(path, value)}”"


def _and(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _subject(path: str, doing: str) -> str:
    return f"{doing} (in your answer to “{ask(path)}”)"
