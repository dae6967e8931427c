"""The case-record format: what a record holds and what its values mean.

Owns the record schema (fields, types, which field gives an item its time),
JSON Pointers, and time (timestamps, dates, durations, working days, ages).
Every other stage reads records through these; this package imports none of them.
"""
