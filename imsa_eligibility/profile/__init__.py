"""The employer profile: enums, pydantic models, cross-field checks and the loader."""

from .load import LoadedProfile, load_profile, load_profile_text
from .model import Profile

__all__ = ["LoadedProfile", "Profile", "load_profile", "load_profile_text"]
