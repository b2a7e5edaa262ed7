"""Rule sets: YAML rule files read, checked against the rule schema, linted and compiled.

:func:`.load.load_ruleset` is the entry point; :mod:`.ast` holds the compiled conditions
that engines evaluate. Nothing here knows of engines or decisions.
"""
