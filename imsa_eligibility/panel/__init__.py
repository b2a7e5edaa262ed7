"""The accreditation panel's toolkit: waivers (:mod:`.waivers`) and the decision register.

It sits above the report and decision layers (a waiver changes how a decided finding
counts, and outcomes are derived again from the findings), below the CLI; nothing in the
core imports it.
"""
