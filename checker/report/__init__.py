"""Report: what a check found, as one model, and every way of writing it out.

Owns the report model (report-format.md), building it from the engine's
findings and tallies, gates, baselines and waivers, rule pages, and one
renderer per output format. It hands bytes to the terminal and to files.
"""
