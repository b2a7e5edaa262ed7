"""Writing a profile back out as YAML that the loader reads to the same profile."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import yaml

from .model import Profile


class _Dumper(yaml.SafeDumper):
    """Enums as their values, decimals as plain numbers; everything else as usual."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


def _enum(dumper: yaml.SafeDumper, value: Enum) -> yaml.ScalarNode:
    return dumper.represent_str(str(value.value))


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_multi_representer(Enum, _enum)


def dump_profile(profile: Profile, *, header: str = "") -> str:
    """The profile as YAML text (unknown facts left out), with an optional comment header."""
    data = profile.model_dump(exclude_none=True)
    text = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    lines = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return lines + text
