"""Templates: lint the templates a force builds its case-record forms from.

A template is a YAML or JSON skeleton of a whole case record or of one
collection item, whose values are placeholders. Owns reading templates and
one module per check (template-kind, unknown-field and wrong-type,
missing-field, personal-data); it hands findings at file, line and column to
the ``caselint templates`` command.
"""
