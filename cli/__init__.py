"""The command-line interface (installed as ``imsa_eligibility_cli``): I/O and exit codes."""
