"""Rules: the rulebook as data, before anything is compiled or run.

Owns rule files and their schemas, overrides, parameters, severities, the
standards catalogue, rule selection and a force's configuration. It hands
validated rule definitions and settings to the engine.
"""
