"""Beyond one machine: every statement of a run is SQL that Spark SQL has a form for.

The whole built-in rulebook is compiled, with each rule parameter planted
with a value of its own, and run on a handful of records: every statement the
run executes on DuckDB is recorded (flattening, typing, times, problems, the
checks' union, run-wide uniqueness, the calendar, what the report reads),
written for Spark by ``spark_sql`` (SQLGlot) and parsed again as Spark SQL.
Nothing may fail, nothing may come out as an opaque command, and every
function a statement calls must be one Spark has. The planted parameter
values are bound to the run, never written into its SQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

from checker.engine.compile import compile_rule
from checker.engine.sql.compiler import span_micros
from checker.engine.sql.engine import SqlEngine
from checker.engine.sql.parts import READ_PART
from checker.engine.sql.spark import spark_sql
from checker.records.times import parse_duration
from checker.rules.files import RuleDefinition
from tests.conftest import EXAMPLES, utc

EXPORT = EXAMPLES / "exports" / "west-mercia-2013-01.json"

# Statements that set DuckDB's own options (its progress bar, an optimizer pass): they
# tune DuckDB and mean nothing on Spark, which has its own configuration.
DUCKDB_SETTINGS = {
    "SET enable_progress_bar = false",
    "SET disabled_optimizers = 'statistics_propagation'",
}

# Every function the Spark statements call, each a Spark SQL built-in (Spark 3.4 or later;
# "Built-in Functions" in Spark's SQL reference), as SQLGlot writes it. A DuckDB-only
# function (json_transform, list_position, generate_subscripts, a macro ...) is not here,
# so a statement calling one fails the test. SQLGlot does not model TIMESTAMP_MICROS,
# MAKE_DATE and JSON_ARRAY_LENGTH, and leaves them as unknown calls: Spark has all three
# (3.1, 3.0 and 3.1).
SPARK_FUNCTIONS = {
    "ABS",
    "ANY_VALUE",
    "ARRAY_CONTAINS",
    "ARRAY_POSITION",
    "ARRAY_SORT",
    "BOOL_OR",
    "CAST",
    "CHR",
    "COALESCE",
    "COLLECT_LIST",
    "CONCAT",
    "CONTAINS",
    "COUNT",
    "DATE_FORMAT",
    "DAY",
    "DATEDIFF",
    "EXPLODE",
    "FIRST_VALUE",
    "FLOOR",
    "FROM_JSON",
    "GET_JSON_OBJECT",
    "JSON_ARRAY_LENGTH",
    "JSON_OBJECT_KEYS",
    "LEAST",
    "GREATEST",
    "LENGTH",
    "MAKE_DATE",
    "MAX",
    "MIN",
    "MIN_BY",
    "MONTH",
    "NULLIF",
    "POSEXPLODE",
    "REGEXP_EXTRACT",
    "ROW_NUMBER",
    "RPAD",
    "SIZE",
    "SPLIT",
    "STARTSWITH",
    "SUBSTRING",
    "SUM",
    "TIMESTAMP_MICROS",
    "TRANSFORM",
    "TRIM",
    "TRY_CAST",
    "YEAR",
}
ANONYMOUS_IN_SPARK = {"TIMESTAMP_MICROS", "MAKE_DATE", "JSON_ARRAY_LENGTH"}

# A value of each parameter type that nothing else in a statement could spell.
PLANTED = {
    "duration": "PT7H13M17S",
    # A kind the field takes (an unknown one is refused when the rule loads): its name is in the
    # plan's own lists of values too, so only its limit is looked for.
    "durations": {"neglect": "PT5H11M3S"},
    "working_days": 9173,
    "integer": 7919,
    "string": "zq-planted-text",
    "strings": ["zq-planted-first", "zq-planted-second"],
}
# How each appears once bound: a duration as microseconds, numbers and text as they are.
PLANTED_TEXTS = [
    str(span_micros(parse_duration("PT7H13M17S"))),
    str(span_micros(parse_duration("PT5H11M3S"))),
    "9173",
    "7919",
    "zq-planted-first",
]


class Recording:
    """A DuckDB connection that keeps the text of every statement it is asked to run."""

    def __init__(self, connection: Any, statements: list[str]) -> None:
        self._connection = connection
        self._statements = statements

    def execute(self, sql: str, *parameters: Any) -> Any:
        self._statements.append(sql)
        return self._connection.execute(sql, *parameters)

    def executemany(self, sql: str, *parameters: Any) -> Any:
        self._statements.append(sql)
        return self._connection.executemany(sql, *parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def _planted(definition: RuleDefinition) -> dict[str, Any]:
    return {name: PLANTED[spec.type] for name, spec in definition.parameters.items()}


@pytest.fixture(scope="module")
def run(definitions: list[RuleDefinition]) -> tuple[list[str], dict[str, Any]]:
    """Every statement of two runs (findings, then each item judged) of the planted rulebook
    on a few records of the example export (one with a lone surrogate), and the values bound."""
    rules = [compile_rule(definition, _planted(definition)) for definition in definitions]
    statements: list[str] = []
    records = json.loads(EXPORT.read_text(encoding="utf-8"))["cases"][:4]
    texts = [json.dumps(data) for data in records]
    texts.append(json.dumps({**records[0], "record_id": "R-\ud800"}))
    connect = duckdb.connect
    with pytest.MonkeyPatch.context() as patch:  # only the engine's own connection records
        patch.setattr(duckdb, "connect", lambda **kwargs: Recording(connect(**kwargs), statements))
        engine = SqlEngine(rules, threads=1)
    try:
        for with_judged in (False, True):
            result = engine.check(
                texts, list(range(1, 6)), utc("2013-01-07T09:00:00Z"), "x", None, with_judged
            )
            assert result.broken == {}
            assert result.findings
        bound = dict(engine.session.rulebook.params)
    finally:
        engine.close()
    return list(dict.fromkeys(statements)), bound


@pytest.fixture(scope="module")
def spark(run: tuple[list[str], dict[str, Any]]) -> dict[str, str]:
    """Each statement of the plan as Spark SQL: DuckDB's settings aside, and the reading of a
    part's texts into ``chunk`` (a file DuckDB reads; on a cluster, ``chunk`` is Parquet the
    adapters write, docs/architecture.md)."""
    statements, _ = run
    return {
        statement: spark_sql(statement)
        for statement in statements
        if statement not in DUCKDB_SETTINGS and READ_PART not in statement
    }


def test_the_run_covers_the_plan(run: tuple[list[str], dict[str, Any]]) -> None:
    statements, _ = run
    assert {statement for statement in statements if statement in DUCKDB_SETTINGS} == DUCKDB_SETTINGS
    reading = [statement for statement in statements if READ_PART in statement]
    assert reading and all(re.match(r"(CREATE OR REPLACE TEMP TABLE|INSERT INTO) chunk ", s) for s in reading)
    made = {
        found.group(1)
        for statement in statements
        for found in re.finditer(r"(?:TEMP TABLE|TEMP VIEW|TABLE IF NOT EXISTS) (\w+)", statement)
    }
    assert {
        "chunk",
        "f_record",
        "m_parsed",
        "t_record",
        "t_moments",
        "problems",
        "calendar",
        "judged",
    } <= made
    assert any(name.startswith("seen_") for name in made)  # run-wide uniqueness
    assert any(statement.startswith("INSERT INTO seen_") for statement in statements)
    assert any("UPDATE chunk" in statement for statement in statements)  # the lone surrogate


def test_every_statement_is_written_for_spark_and_parses_as_spark(spark: dict[str, str]) -> None:
    for duckdb_sql, spark_text in spark.items():
        tree = sqlglot.parse_one(spark_text, read="spark")
        assert not isinstance(tree, exp.Command), duckdb_sql[:200]
        assert not list(tree.find_all(exp.Command)), duckdb_sql[:200]
        unknown = {call.name.upper() for call in tree.find_all(exp.Anonymous)} - ANONYMOUS_IN_SPARK
        assert not unknown, (unknown, duckdb_sql[:200])
        # Each value bound to the statement stays a parameter: a Spark marker (:name).
        markers = {marker.name for marker in tree.find_all(exp.Placeholder)} - {"?"}
        assert markers == set(re.findall(r"\$(\w+)", duckdb_sql)), duckdb_sql[:200]


def _called(spark_text: str) -> Iterator[str]:
    """The name of every function a Spark statement calls: a name followed by "(" that
    is not a table's alias or the table an INSERT or CREATE (IF NOT EXISTS) names."""
    tokens = sqlglot.Dialect.get_or_raise("spark").tokenize(spark_text)
    for before, name, after in zip(tokens, tokens[1:], tokens[2:], strict=False):
        if (
            name.token_type == TokenType.VAR
            and after.token_type == TokenType.L_PAREN
            and before.token_type not in (TokenType.ALIAS, TokenType.INTO, TokenType.TABLE, TokenType.EXISTS)
        ):
            yield name.text.upper()


def test_every_function_the_plan_calls_is_one_spark_has(spark: dict[str, str]) -> None:
    called = {name for spark_text in spark.values() for name in _called(spark_text)}
    assert called - SPARK_FUNCTIONS == set()
    # A DuckDB-only function written as SQLGlot writes it would be caught, not passed over.
    assert set(_called(spark_sql("SELECT json_transform(t, '[\"JSON\"]'), list_position(l, 1) FROM x"))) == {
        "JSON_TRANSFORM",
        "LIST_POSITION",
    }


def test_parameters_are_bound_to_the_run_not_written_into_its_sql(
    run: tuple[list[str], dict[str, Any]],
) -> None:
    statements, bound = run
    for statement in statements:
        for planted in PLANTED_TEXTS:
            assert planted not in statement, (planted, statement[:200])
    values = json.dumps(list(bound.values()), default=str)
    for planted in PLANTED_TEXTS:
        assert planted in values, planted  # it did reach the run, as a parameter


@pytest.mark.parametrize(
    ("duckdb_sql", "spark_text"),
    [
        (
            """SELECT from_json(t, '{"a": "JSON", "b": ["JSON"]}') FROM x""",
            "SELECT FROM_JSON(t, 'STRUCT<`a`: STRING, `b`: ARRAY<STRING>>') FROM x",
        ),
        ("""SELECT from_json(t, '["JSON"]') FROM x""", "SELECT FROM_JSON(t, 'ARRAY<STRING>') FROM x"),
        (
            "SELECT regexp_extract(t, '(a)(b)?', ['x', 'y']) AS p FROM x",
            "SELECT STRUCT(REGEXP_EXTRACT(t, '(a)(b)?') AS x, REGEXP_EXTRACT(t, '(a)(b)?', 2) AS y) AS p "
            "FROM x",
        ),
        ("SELECT regexp_extract(t, '(a)(b)?', 2) FROM x", "SELECT REGEXP_EXTRACT(t, '(a)(b)?', 2) FROM x"),
        ("SELECT * FROM t WHERE a = CAST($p1 AS BIGINT)", "SELECT * FROM t WHERE a = CAST(:p1 AS BIGINT)"),
    ],
)
def test_what_spark_reads_otherwise_is_written_its_way(duckdb_sql: str, spark_text: str) -> None:
    """from_json's structure is Spark's DDL schema, DuckDB's named groups one extraction each,
    and a bound value a named parameter marker."""
    assert spark_sql(duckdb_sql) == spark_text
