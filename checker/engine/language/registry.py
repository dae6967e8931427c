"""The one table of the rule language's predicates, filled by each family's module.

A predicate is one function ``(compiler, argument, env, where) -> Predicate``
registered under the operator that names it in a rule file; adding one to the
language is writing that function, with ``@predicate("name")``, in its family.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from checker.engine.evaluation import Predicate

if TYPE_CHECKING:
    from checker.engine.language.compiler import Compiler, Env

PredicateCompiler = Callable[["Compiler", Any, "Env", str], Predicate]

PREDICATES: dict[str, PredicateCompiler] = {}

# The field comparison is written {field: PATH, OPERATOR: VALUE}, keyed by "field".
FIELD = "field"


def predicate(name: str) -> Callable[[PredicateCompiler], PredicateCompiler]:
    """Register a predicate compiler under its operator's name."""

    def register(function: PredicateCompiler) -> PredicateCompiler:
        if name in PREDICATES:
            raise ValueError(f"predicate {name!r} is registered twice")
        PREDICATES[name] = function
        return function

    return register
