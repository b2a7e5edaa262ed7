"""The profile contract's enumerations (schema_version 1). Values are the contract: never rename.

``Nation`` is shared by every layer and defined in :mod:`imsa_eligibility.vocabulary`.
"""

from __future__ import annotations

from enum import StrEnum

from ..vocabulary import Nation as Nation


class LegalForm(StrEnum):
    """The organisation's legal form."""

    CHARITABLE_INCORPORATED_ORGANISATION = "charitable_incorporated_organisation"
    SCOTTISH_CHARITABLE_INCORPORATED_ORGANISATION = "scottish_charitable_incorporated_organisation"
    CHARITABLE_COMPANY = "charitable_company"
    UNINCORPORATED_CHARITY = "unincorporated_charity"
    COMMUNITY_INTEREST_COMPANY = "community_interest_company"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee"
    COMPANY_LIMITED_BY_SHARES = "company_limited_by_shares"
    COMMUNITY_BENEFIT_SOCIETY = "community_benefit_society"
    LOCAL_AUTHORITY = "local_authority"
    NHS_BODY = "nhs_body"
    STATUTORY_BODY = "statutory_body"
    CROWN_BODY = "crown_body"
    PARTNERSHIP = "partnership"
    OTHER = "other"


class Function(StrEnum):
    """Something an organisation does."""

    POLICING = "policing"
    PROSECUTION = "prosecution"
    IMMIGRATION_ENFORCEMENT = "immigration_enforcement"
    BORDER_CONTROL = "border_control"
    LABOUR_MARKET_ENFORCEMENT = "labour_market_enforcement"
    NRM_DECISION_MAKING = "nrm_decision_making"
    POLICING_OVERSIGHT = "policing_oversight"
    VICTIM_SERVICES_COMMISSIONING = "victim_services_commissioning"
    LOCAL_AUTHORITY_SERVICES = "local_authority_services"
    HEALTH_SERVICES = "health_services"
    SOCIAL_CARE = "social_care"
    HOUSING_PROVISION = "housing_provision"
    ACCOMMODATION_PROVISION = "accommodation_provision"
    VICTIM_CARE_CONTRACT_SUPPORT = "victim_care_contract_support"
    LEGAL_SERVICES = "legal_services"
    IMMIGRATION_ADVICE = "immigration_advice"
    ADVOCACY = "advocacy"
    FIRST_RESPONDER = "first_responder"
    EMPLOYMENT_AGENCY = "employment_agency"
    FAITH_ORGANISATION = "faith_organisation"
    RESEARCH = "research"
    TRAINING = "training"
    OTHER = "other"


class Relation(StrEnum):
    """How a related organisation stands to the applicant."""

    PARENT = "parent"
    CONTROLLING_MEMBER = "controlling_member"
    SUBSIDIARY = "subsidiary"
    FUNDER = "funder"
    COMMISSIONER = "commissioner"
    PARTNER = "partner"
    CO_LOCATED = "co_located"
    DATA_SHARING = "data_sharing"


class FundingCondition(StrEnum):
    """A condition a funder or commissioner attaches to its money."""

    CASE_DATA_SHARING = "case_data_sharing"
    PROSECUTION_OUTCOME_TARGETS = "prosecution_outcome_targets"
    REFERRAL_QUOTAS = "referral_quotas"


class Role(StrEnum):
    """A person's role in the organisation."""

    TRUSTEE = "trustee"
    DIRECTOR = "director"
    CHAIR = "chair"
    CHIEF_EXECUTIVE = "chief_executive"
    IMSA = "imsa"
    IMSA_MANAGER = "imsa_manager"
    SAFEGUARDING_LEAD = "safeguarding_lead"
    VOLUNTEER = "volunteer"


class Vetting(StrEnum):
    """A criminal-record or barring check the organisation runs on its IMSAs."""

    ENHANCED_DBS_ADULTS_BARRED = "enhanced_dbs_adults_barred"
    ENHANCED_DBS = "enhanced_dbs"
    BASIC_DBS = "basic_dbs"
    PVG_PROTECTED_ADULTS = "pvg_protected_adults"
    ENHANCED_ACCESSNI = "enhanced_accessni"


class Register(StrEnum):
    """A public register the organisation is on."""

    CHARITY_COMMISSION_ENGLAND_WALES = "charity_commission_england_wales"
    OSCR = "oscr"
    CHARITY_COMMISSION_NORTHERN_IRELAND = "charity_commission_northern_ireland"
    COMPANIES_HOUSE = "companies_house"


class KeyArea(StrEnum):
    """The framework's eight key areas of the IMSA role."""

    HEALTH_AND_SOCIAL_CARE = "health_and_social_care"
    HOUSING_AND_SUBSISTENCE = "housing_and_subsistence"
    SURVIVOR_SUPPORT_AND_NRM = "survivor_support_and_nrm"
    REDUCING_RISK_AND_INCREASING_RESILIENCE = "reducing_risk_and_increasing_resilience"
    CRIMINAL_JUSTICE = "criminal_justice"
    CIVIL_JUSTICE = "civil_justice"
    MULTI_AGENCY_AND_PARTNERSHIP_WORKING = "multi_agency_and_partnership_working"
    INDEPENDENT_ADVOCACY_AND_THE_IMSA_MODEL = "independent_advocacy_and_the_imsa_model"


class DeliveryModel(StrEnum):
    """Whether the IMSA service is local or national."""

    LOCAL = "local"
    NATIONAL = "national"


NATION_ORDER: tuple[Nation, ...] = tuple(Nation)
