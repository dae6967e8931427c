"""The compiled plan written as Spark SQL, for running the rulebook on a cluster.

Every statement a run executes (``run.Session``) is DuckDB SQL over flat
relations. SQLGlot writes it for Spark SQL (3.4 or later: named parameter
markers), with one step of its own: ``from_json``'s structure, which DuckDB
writes as JSON (``{"name": "JSON"}``), becomes Spark's DDL schema, each JSON
value as its text (``STRING``); and ``regexp_extract``'s groups by name, a
struct in DuckDB, become a struct of one extraction per group. ``tests/test_spark_plan.py`` shows the whole
built-in rulebook comes out as Spark SQL; ``docs/architecture.md`` ("Beyond
one machine") says how it would run. SQLGlot is imported here only: the
engine itself never needs it.
"""

from __future__ import annotations

import json
from typing import Any


def spark_sql(statement: str) -> str:
    """One statement of the plan, read as DuckDB SQL and written as Spark SQL."""
    import sqlglot
    from sqlglot import exp

    def spark_form(node: Any) -> Any:
        if isinstance(node, exp.FromJson) and isinstance(node.expression, exp.Literal):
            structure = json.loads(node.expression.this)
            return exp.FromJson(this=node.this, expression=exp.Literal.string(_schema(structure)))
        if isinstance(node, exp.RegexpExtract) and isinstance(node.args.get("group"), exp.Array):
            # DuckDB's groups by name, as a struct: Spark extracts one group at a time.
            names = [name.this for name in node.args["group"].expressions]
            return exp.Struct(
                expressions=[
                    exp.alias_(
                        exp.RegexpExtract(
                            this=node.this.copy(),
                            expression=node.expression.copy(),
                            group=exp.Literal.number(n),
                        ),
                        name,
                    )
                    for n, name in enumerate(names, start=1)
                ]
            )
        return node

    tree = sqlglot.parse_one(statement, read="duckdb").transform(spark_form, copy=False)
    return str(tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE))


def _schema(structure: Any) -> str:
    """A ``json_struct`` structure (flatten.py) as a Spark DDL type."""
    if structure == "JSON":
        return "STRING"
    if isinstance(structure, list) and len(structure) == 1:
        return f"ARRAY<{_schema(structure[0])}>"
    if isinstance(structure, dict):
        fields = ", ".join(f"`{name}`: {_schema(inner)}" for name, inner in structure.items())
        return f"STRUCT<{fields}>"
    raise ValueError(f"no Spark type for the JSON structure {structure!r}")
