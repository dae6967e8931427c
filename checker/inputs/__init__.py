"""Inputs: files in, case records out, each with a source map.

Owns finding the files a command names, one reader per format (JSON Lines,
JSON, YAML) and the source maps that place a value at its line. It hands on a
stream of events per input: a record, a rejected record, or a problem.
"""
