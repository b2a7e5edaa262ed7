"""``python -m imsa_eligibility_cli``: the same as the ``imsa-eligibility`` command."""

from .app import main

main()
