"""The rule language: scopes, predicates, times and limits, compiled to plain callables.

A rule file says *what* must hold; the compiler turns each clause into a
Python function of (context, item) once, when the rulebook is loaded, so that
checking a record only calls functions. Every path a rule reads is checked
against the record format, so a misspelt field is an error naming the rule
file and line, not a rule that silently never fires.

The predicates come in families, one module each, all registered in one
table (``registry.PREDICATES``):

- presence and values (``values``): ``present``, ``after_as_of``, ``{field: ..., equals: ...}``
- logic (``logic``): ``all``, ``any``, ``not``
- collections and links (``collections``): ``every``, ``some``, ``exists``
- time and deadlines (``deadlines``): ``deadline``, ``in_order``,
  ``longer_than``, ``spans_local_midnight``, ``open_at``
- data quality (``quality``): ``child_at_event``, ``conforms_to_schema``, ``unique``

Scopes (``scopes``, ``patterns``) name the items a check iterates; rolling
windows (``windows``) count items in time. docs/writing-rules.md has examples.
"""

from __future__ import annotations

# Importing each family registers its predicates.
from checker.engine.language import collections, deadlines, logic, quality, values
from checker.engine.language.compiler import AS_OF, Compiler, Env, RuleError

__all__ = ["AS_OF", "Compiler", "Env", "RuleError", "collections", "deadlines", "logic", "quality", "values"]
