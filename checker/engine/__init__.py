"""Engine: the rule language compiled and run over records, as of one instant.

Owns compiling rule definitions into checks (scopes, predicates, times and
limits), the rule set in force, and running it over each record. It hands on
findings (rule, pointer, message) and per-rule tallies.
"""
