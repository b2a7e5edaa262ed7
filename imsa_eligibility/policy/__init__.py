"""The policy staff's toolkit: rule test cases (the casebook), and later impact and rulebook.

It sits above the decision layer: running a case decides a profile, so nothing below
imports it.
"""
