"""The employer profile (schema_version 1) as pydantic models.

Every optional fact defaults to ``None``, meaning *unknown*: the rules never treat an unknown
fact as compliant. An empty list is known-empty. Unknown keys are errors. Cross-field checks
(ids, control chains, income shares, registration numbers) live in :mod:`.checks`.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from ..source import SourceFloat, SourceInt
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

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
MAX_TEXT = 300
"""The most characters a name or other text may have: a name is a line, not a paragraph."""
# What a name must not hold: C0 controls (tab and line breaks included), DEL, C1 controls,
# the bidirectional marks, embeddings, overrides and isolates (which make text display in
# another order than it is stored), line and paragraph separators, and lone surrogates.
UNSAFE_TEXT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# The same in the published schema, for editors (which cannot tell format characters).
TEXT_PATTERN = (
    "^(?=.*\\S)[^\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029"
    "\\u202a-\\u202e\\u2066-\\u2069]*$"
)


def _text(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("expected text, not true/false; put the value in quotes")
    if isinstance(value, SourceInt | SourceFloat):
        return value.raw
    if isinstance(value, int | float):
        return str(value)
    return value


def is_blank(value: str) -> bool:
    """Whether ``value`` shows nothing: only spaces and invisible format characters."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in value)


def is_plain_text(value: str) -> bool:
    """Whether ``value`` is text a name field takes (shows something, one line, no control
    characters, at most MAX_TEXT characters)."""
    return 0 < len(value) <= MAX_TEXT and not is_blank(value) and not UNSAFE_TEXT.search(value)


def _plain_text(value: str) -> str:
    """A name or other text must show something, and hold no control character."""
    if is_blank(value):
        raise PydanticCustomError("text_blank", "the text is blank")
    found = UNSAFE_TEXT.search(value)
    if found is not None:
        raise PydanticCustomError(
            "text_control",
            "the text holds a control character",
            {"char": found.group(0), "index": found.start()},
        )
    return value


def _share(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("expected a number from 0 to 1, such as 0.25")
    raw = value.raw if isinstance(value, SourceInt | SourceFloat) else str(value)
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError("expected a number from 0 to 1, such as 0.25") from None


def _whole(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("expected a whole number, such as 2")
    return int(value)


Text = Annotated[
    str,
    BeforeValidator(_text),
    Field(min_length=1, max_length=MAX_TEXT, json_schema_extra={"pattern": TEXT_PATTERN}),
    AfterValidator(_plain_text),
]
Slug = Annotated[
    str,
    BeforeValidator(_text),
    Field(pattern=SLUG_PATTERN, description="lower-case letters, digits and hyphens, 2-63 long"),
]
Share = Annotated[
    Decimal,
    BeforeValidator(_share),
    Field(ge=0, le=1, decimal_places=4),
    PlainSerializer(float, return_type=float, when_used="json"),
    WithJsonSchema(
        {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "0 to 1, at most 4 decimal places",
        }
    ),
]
Count = Annotated[int, BeforeValidator(_whole), Field(ge=0)]
Flag = StrictBool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


with warnings.catch_warnings():
    # ``register`` is the contract's field name; it shadows only ABCMeta.register.
    warnings.filterwarnings("ignore", message='Field name "register"', category=UserWarning)

    class Registration(_Strict):
        """An entry on a public register, with the number in that register's format."""

        register: Register = Field(description="which register")
        number: Text = Field(description="the number on that register, as text")


class Organisation(_Strict):
    """The applicant organisation itself."""

    id: Slug = Field(description="a short id for the organisation")
    name: Text = Field(description="the organisation's name")
    legal_form: LegalForm = Field(description="the organisation's legal form")
    functions: list[Function] = Field(description="what the organisation does (may be empty)")
    nations: list[Nation] = Field(
        min_length=1, description="where it would employ IMSAs (at least one)"
    )
    delivery_model: DeliveryModel | None = Field(default=None, description="local or national")
    registrations: list[Registration] | None = Field(
        default=None, description="public registers the organisation is on"
    )
    annual_income_gbp: Count | None = Field(default=None, description="total income a year, GBP")
    public_funding_gbp: Count | None = Field(
        default=None, description="public funding a year, GBP (at most the annual income)"
    )


class RelatedOrganisation(_Strict):
    """A funder, parent, partner or co-located body, as it stands to the applicant."""

    id: Slug = Field(description="a short id, unique among related organisations")
    name: Text = Field(description="its name")
    functions: list[Function] = Field(description="what it does (may be empty)")
    relations: list[Relation] = Field(description="how it stands to the applicant (may be empty)")
    income_share: Share | None = Field(
        default=None, description="for a funder or commissioner: its share of the income, 0 to 1"
    )
    funding_conditions: list[FundingCondition] | None = Field(
        default=None, description="conditions it attaches to its funding"
    )
    registrations: list[Registration] | None = Field(
        default=None, description="public registers it is on (as the applicant's)"
    )
    controlled_by: list[Slug] = Field(
        default_factory=list, description="ids of related organisations that control this one"
    )


class Affiliation(_Strict):
    """Another organisation a person works or serves in."""

    organisation: Text = Field(description="the other organisation's name")
    functions: list[Function] = Field(description="what that organisation does")
    current: Flag = Field(default=None, description="true if the person still serves there")


class Person(_Strict):
    """A trustee, director, manager or IMSA."""

    id: Slug = Field(description="a short id, unique among people")
    name: Text | None = Field(default=None, description="the person's name (optional)")
    roles: list[Role] = Field(description="their roles in the organisation")
    affiliations: list[Affiliation] | None = Field(
        default=None, description="other organisations they serve in"
    )


class Governance(_Strict):
    """Policies and registrations that show how the organisation is run."""

    conflict_of_interest_policy: Flag = Field(
        default=None, description="a written policy on handling conflicts of interest"
    )
    register_of_interests: Flag = Field(
        default=None, description="a kept list of trustees' and senior staff's outside interests"
    )
    safeguarding_policy: Flag = Field(
        default=None, description="a written policy for keeping adults at risk safe"
    )
    complaints_procedure: Flag = Field(
        default=None, description="a written way of dealing with complaints"
    )
    whistleblowing_policy: Flag = Field(
        default=None, description="a written policy that lets staff raise concerns safely"
    )
    lived_experience_in_governance: Flag = Field(
        default=None, description="survivors of modern slavery help run or steer the organisation"
    )
    ico_registered: Flag = Field(
        default=None,
        description="the data protection fee is paid to the Information Commissioner's Office",
    )


class ImsaService(_Strict):
    """How the organisation would run its IMSA service."""

    planned_imsas: Annotated[int, BeforeValidator(_whole), Field(ge=1)] | None = Field(
        default=None, description="how many IMSAs it plans to employ (at least 1)"
    )
    accredited_imsas: Count | None = Field(default=None, description="how many are accredited")
    clinical_supervision: Flag = Field(
        default=None,
        description="IMSAs get regular supervision from a qualified clinical supervisor",
    )
    supervision_independent_of_line_management: Flag = Field(
        default=None, description="that supervisor is not the IMSA's line manager"
    )
    vetting_checks: list[Vetting] | None = Field(
        default=None, description="criminal record and barring checks the IMSAs have"
    )
    information_barrier: Flag = Field(
        default=None,
        description="IMSA records and line management kept apart from other services",
    )
    gives_immigration_advice: Flag = Field(
        default=None, description="the organisation gives immigration advice"
    )
    immigration_advice_regulated: Flag = Field(
        default=None,
        description="its immigration advisers are regulated (Immigration Advice Authority)",
    )
    welsh_language_provision: Flag = Field(
        default=None, description="IMSAs can work with survivors in Welsh"
    )
    key_areas_covered: list[KeyArea] | None = Field(
        default=None,
        description="key areas the IMSAs are trained in or have specialist support for",
    )
    charges_survivors: Flag = Field(
        default=None, description="survivors are charged for the IMSA service"
    )
    serves_children: Flag = Field(
        default=None, description="the IMSA service would also support children"
    )


class Insurance(_Strict):
    """Insurance cover the organisation holds."""

    employers_liability: Flag = Field(
        default=None, description="employers' liability insurance is held"
    )
    professional_indemnity: Flag = Field(
        default=None, description="professional indemnity insurance is held"
    )


class Profile(_Strict):
    """One applicant organisation, as described in a profile file (schema_version 1)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="imsa-eligibility employer profile",
        json_schema_extra={"$id": "https://imsa-eligibility.invalid/schemas/profile.schema.json"},
    )

    schema_version: Annotated[Literal[1], BeforeValidator(_whole)] = Field(
        description="the profile format version; always 1"
    )
    organisation: Organisation
    related_organisations: list[RelatedOrganisation] = Field(
        description="funders, parents, partners and co-located bodies (may be empty)"
    )
    people: list[Person] = Field(description="trustees, directors and IMSAs (may be empty)")
    governance: Governance | None = None
    imsa_service: ImsaService | None = None
    insurance: Insurance | None = None
