"""imsa-eligibility: decide who may employ an Independent Modern Slavery Advocate.

The library is pure: it never prints, exits or imports the CLI's libraries. The public
entry points are re-exported lazily so that ``import imsa_eligibility`` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
