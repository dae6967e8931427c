"""The command line: thin commands that parse options and call the stages.

Owns ``caselint`` and its subcommands (``main.py`` registers them); each
command reads configuration, runs inputs, engine and report, and sets the
exit status. Nothing below this package imports it.
"""
