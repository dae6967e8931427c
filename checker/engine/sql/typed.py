"""Values typed, and what is wrong with them, compiled from the record schema.

For each ``f_<table>`` of ``flatten.py``, ``t_<table>`` holds each value as
the rules read it, beside a ``__bad`` flag (the value, or an object on its
way, cannot be read) and a ``__problem`` message in the words of the Python
validator (``checker/records/schema.py``): "must be text, not a whole
number", "must be one of: ...", "is not a date (YYYY-MM-DD)" ... ``problems``
gathers them, one row per offending value at its JSON pointer: the
data-quality check reads that table, and a value with a problem is unknown to
every other rule.

Timestamps become ``__lo``/``__hi`` microseconds since 1970 UTC (equal for an
exact time; the first and last instant of the local day for a date alone,
format 1.1), ``__date`` (a date alone) and, where a rule needs it, ``__day``
(the local day). Local times are converted with the zone's own offsets
(``clock.py``), exactly as Python's zoneinfo reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.engine.sql.clock import SWITCHES
from checker.engine.sql.flatten import quote
from checker.engine.sql.layout import Table, Value, column_name, record_table
from checker.records.schema import DATE_FORMAT, JSON_TYPE_NAMES, TIMESTAMP_FORMAT

TIMESTAMP_PROBLEM = "is not an ISO 8601 timestamp (YYYY-MM-DDTHH:MM[:SS][Z or ±HH:MM]) or date (YYYY-MM-DD)"
DATE_PROBLEM = "is not a date (YYYY-MM-DD)"
MOMENT_PATTERN = (
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?"
    r"(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?$"
)
DAY_MICROS = 86_400_000_000
# The instants datetime can hold, which is what the Python reading accepts.
FIRST_MICROS = -62_135_596_800_000_000  # 0001-01-01T00:00:00Z
LAST_MICROS = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z

MACROS = [
    # What JSON type a value's text is, in the validator's words (json_type).
    """CREATE OR REPLACE TEMP MACRO jkind(j) AS CASE
        WHEN j IS NULL THEN NULL
        WHEN starts_with(j, '"') THEN 'string'
        WHEN j = 'true' OR j = 'false' THEN 'boolean'
        WHEN starts_with(j, '{') THEN 'object'
        WHEN starts_with(j, '[') THEN 'array'
        WHEN regexp_full_match(j, '-?[0-9]+') THEN 'integer'
        ELSE 'number' END""",
    f"""CREATE OR REPLACE TEMP MACRO jname(kind) AS CASE kind
        WHEN 'string' THEN '{JSON_TYPE_NAMES["string"]}' WHEN 'boolean' THEN '{JSON_TYPE_NAMES["boolean"]}'
        WHEN 'integer' THEN '{JSON_TYPE_NAMES["integer"]}' WHEN 'number' THEN '{JSON_TYPE_NAMES["number"]}'
        WHEN 'object' THEN '{JSON_TYPE_NAMES["object"]}' WHEN 'array' THEN '{JSON_TYPE_NAMES["array"]}'
        ELSE '{JSON_TYPE_NAMES["null"]}' END""",
    # A JSON string's content; escapes are decoded only where there are any.
    """CREATE OR REPLACE TEMP MACRO jtext(j) AS CASE WHEN starts_with(j, '"') THEN
        CASE WHEN contains(j, '\\') THEN json_extract_string(j, '$') ELSE j[2:-2] END END""",
    # Whole number in the validator's sense: an integer, or a number with no fraction.
    """CREATE OR REPLACE TEMP MACRO jwhole(j) AS regexp_full_match(j, '-?[0-9]+')
        OR (NOT isinf(TRY_CAST(j AS DOUBLE)) AND TRY_CAST(j AS DOUBLE) = floor(TRY_CAST(j AS DOUBLE)))""",
    # Days since 1970-01-01 of a proleptic Gregorian date, years 1 to 9999 (H. Hinnant's days_from_civil).
    """CREATE OR REPLACE TEMP MACRO civil_days(y, m, d) AS (
        (y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) * 365
        + (y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) // 4
        - (y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) // 100
        + (y - CASE WHEN m <= 2 THEN 1 ELSE 0 END) // 400
        + (153 * (CASE WHEN m > 2 THEN m - 3 ELSE m + 9 END) + 2) // 5 + d - 1 - 719468)""",
    """CREATE OR REPLACE TEMP MACRO month_days(y, m) AS CASE
        WHEN m IN (1, 3, 5, 7, 8, 10, 12) THEN 31 WHEN m IN (4, 6, 9, 11) THEN 30
        WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END""",
    "CREATE OR REPLACE TEMP MACRO is_blank(t) AS regexp_full_match(t, '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\p{Z}]*')",
]


def zone_offset(alias: str, wall: str, row: bool = True) -> str:
    """The offset (microseconds) a zone row gives a wall-clock or UTC time in its year.

    ``alias`` is a joined zone table (``row``) or a column holding one year's struct.
    """

    def part(name: str) -> str:
        return f"{alias}.{name}" if row else f"struct_extract({alias}, '{name}')"

    parts = [f"WHEN {part('sw1')} IS NULL OR {wall} < {part('sw1')} THEN {part('off0')}"]
    for n in range(1, SWITCHES):
        switch = part(f"sw{n + 1}")
        parts.append(f"WHEN {switch} IS NULL OR {wall} < {switch} THEN {part(f'off{n}')}")
    return f"(CASE {' '.join(parts)} ELSE {part(f'off{SWITCHES}')} END)"


def row_pointer(table: Table) -> str:
    """A SQL expression for the JSON Pointer of a table's member."""
    if table.parent is None:
        return "''"
    via = "/".join(table.via)
    key = f"i{table.depth}"
    own = f"'/{via}' || CASE WHEN {key} IS NULL THEN '' ELSE '/' || CAST({key} - 1 AS VARCHAR) END"
    return f"{row_pointer(table.parent)} || {own}" if table.parent.parent is not None else own


def _names(types: list[str]) -> str:
    return " or ".join(JSON_TYPE_NAMES[name] for name in types if name != "null")


def _declared(value_node: dict[str, object]) -> list[str]:
    declared = value_node.get("type")
    if declared is None:
        return []
    return [declared] if isinstance(declared, str) else list(declared)  # type: ignore[list-item]


def _type_problem(j: str, node: dict[str, object]) -> str | None:
    """The type error of a value's JSON text, or None when its types cannot be wrong."""
    declared = _declared(node)
    if not declared:
        return None
    allowed = [name for name in declared if name != "null"]
    tests = []
    for name in allowed:
        if name == "integer":
            tests.append(f"(jkind({j}) IN ('integer', 'number') AND jwhole({j}))")
        elif name == "number":
            tests.append(f"jkind({j}) IN ('integer', 'number')")
        else:
            tests.append(f"jkind({j}) = '{name}'")
    fits = " OR ".join(tests) or "FALSE"
    return f"CASE WHEN {j} IS NOT NULL AND NOT ({fits}) THEN 'must be {_names(declared)}, not ' || jname(jkind({j})) END"


def _leaf_problem(value: Value, j: str, moment: str | None) -> str:
    """The one problem of a value, as the validator would put it, or NULL."""
    node = value.node.node
    checks: list[str] = []
    typed = _type_problem(j, node)
    if typed is not None:
        checks.append(typed)
    enum = node.get("enum")
    if isinstance(enum, list):
        choices = [choice for choice in enum if choice is not None]
        listed = ", ".join(str(choice) for choice in choices)
        allowed = ", ".join("'" + str(choice).replace("'", "''") + "'" for choice in choices)
        checks.append(
            f"CASE WHEN {j} IS NOT NULL AND (jkind({j}) <> 'string' OR jtext({j}) NOT IN ({allowed})) "
            f"THEN 'must be one of: {listed}' END"
        )
    if value.node.format == TIMESTAMP_FORMAT and moment is not None:
        checks.append(f"CASE WHEN jkind({j}) = 'string' AND {moment} IS NULL THEN '{TIMESTAMP_PROBLEM}' END")
    if value.node.format == DATE_FORMAT and moment is not None:
        checks.append(f"CASE WHEN jkind({j}) = 'string' AND {moment} IS NULL THEN '{DATE_PROBLEM}' END")
    if node.get("minLength") is not None:
        checks.append(
            f"CASE WHEN jkind({j}) = 'string' AND length(jtext({j})) < {int(node['minLength'])} THEN 'must not be empty' END"
        )  # type: ignore[call-overload]
    if node.get("minimum") is not None:
        minimum = node["minimum"]
        checks.append(
            f"CASE WHEN jkind({j}) IN ('integer', 'number') AND TRY_CAST({j} AS DOUBLE) < {float(minimum)} "  # type: ignore[arg-type]
            f"THEN 'must be at least {minimum}' END"
        )
    return f"coalesce({', '.join(checks)})" if checks else "NULL::VARCHAR"


def _moment_parts(j: str) -> str:
    return (
        f"CASE WHEN jkind({j}) = 'string' THEN regexp_extract(jtext({j}), '{MOMENT_PATTERN}', "
        "['y', 'mo', 'd', 'h', 'mi', 's', 'f', 'z', 'sg', 'oh', 'om']) END"
    )


@dataclass(frozen=True)
class MomentSql:
    """A timestamp or date value worked out in stages, each a SELECT over the last.

    Stage by stage: the text's parts; their numbers; whether the date and the
    time are real, and the wall-clock instants; the zone's offsets at them
    (joined by year); the exact instant; the first and last instant. Each
    stage names plain columns, so no expression grows by repeating another.
    """

    column: str  # the value's column name

    def name(self, part: str) -> str:
        return quote(f"{part}__{self.column}")

    def parts(self, j: str) -> str:
        return f"{_moment_parts(j)} AS {self.name('p')}"

    def numbers(self) -> list[str]:
        p = self.name("p")

        def number(part: str, default: str = "NULL") -> str:
            return f"coalesce(TRY_CAST(nullif({p}.{part}, '') AS BIGINT), {default})"

        return [
            f"({p}.y <> '') AS {self.name('m')}",
            f"{number('y')} AS {self.name('y')}",
            f"{number('mo')} AS {self.name('mo')}",
            f"{number('d')} AS {self.name('d')}",
            f"{number('h', '0')} AS {self.name('h')}",
            f"{number('mi', '0')} AS {self.name('mi')}",
            f"{number('s', '0')} AS {self.name('s')}",
            f"coalesce(TRY_CAST(rpad(left(nullif({p}.f, ''), 6), 6, '0') AS BIGINT), 0) AS {self.name('fr')}",
            f"({p}.z <> '') AS {self.name('z')}",
            f"CASE {p}.sg WHEN '+' THEN 1 WHEN '-' THEN -1 END AS {self.name('sg')}",
            f"{number('oh', '0')} AS {self.name('oh')}",
            f"{number('om', '0')} AS {self.name('om')}",
            f"({p}.h = '') AS {self.name('do')}",
        ]

    def checks(self) -> list[str]:
        n = self.name
        return [
            f"({n('m')} AND {n('y')} >= 1 AND {n('mo')} BETWEEN 1 AND 12 "
            f"AND {n('d')} BETWEEN 1 AND month_days({n('y')}, {n('mo')})) AS {n('cal')}",
            f"({n('do')} OR ({n('h')} <= 23 AND {n('mi')} <= 59 AND {n('s')} <= 59 AND ({n('sg')} IS NULL "
            f"OR ({n('om')} <= 59 AND {n('oh')} * 60 + {n('om')} < 1440)))) AS {n('clk')}",
        ]

    def walls(self) -> list[str]:
        n = self.name
        midnight = f"CASE WHEN {n('cal')} THEN civil_days({n('y')}, {n('mo')}, {n('d')}) * {DAY_MICROS} END"
        return [
            f"{midnight} AS {n('m0')}",
            f"{midnight} + {DAY_MICROS} AS {n('m1')}",
            f"{midnight} + {n('h')} * 3600000000 + {n('mi')} * 60000000 + {n('s')} * 1000000 + {n('fr')} "
            f"AS {n('w')}",
            f"{n('sg')} * ({n('oh')} * 3600000000 + {n('om')} * 60000000) AS {n('off')}",
        ]

    def zone_join(self, alias: str) -> str:
        return f"LEFT JOIN zone_wall AS {alias} ON {alias}.year = {self.name('y')}"

    def offsets(self, alias: str) -> list[str]:
        n = self.name
        return [
            f"{zone_offset(alias, n('w'))} AS {n('zw')}",
            f"{zone_offset(alias, n('m0'))} AS {n('zm0')}",
            f"{zone_offset(alias, n('m1'))} AS {n('zm1')}",
        ]

    def instant(self) -> list[str]:
        n = self.name
        exact = (
            f"CASE WHEN {n('z')} THEN {n('w')} WHEN {n('sg')} IS NOT NULL THEN {n('w')} - {n('off')} "
            f"ELSE {n('w')} - {n('zw')} END"
        )
        return [f"CASE WHEN ({exact}) BETWEEN {FIRST_MICROS} AND {LAST_MICROS} THEN {exact} END AS {n('u')}"]

    def bounds(self) -> list[str]:
        n = self.name
        ok = f"{n('cal')} AND {n('clk')}"
        last = f"{n('m1')} - {n('zm1')} - 1"
        return [
            f"CASE WHEN {ok} THEN CASE WHEN {n('do')} THEN {n('m0')} - {n('zm0')} ELSE {n('u')} END END AS {n('lo')}",
            f"CASE WHEN {ok} THEN CASE WHEN {n('do')} THEN (CASE WHEN {last} <= {LAST_MICROS} THEN {last} END) "
            f"ELSE {n('u')} END END AS {n('hi')}",
        ]

    def valid(self, date_only: bool) -> str:
        """A valid timestamp (or date) in the validator's sense: non-NULL when it is."""
        n = self.name
        if date_only:
            return f"CASE WHEN {n('cal')} AND {n('do')} THEN 1 END"
        return f"CASE WHEN {n('cal')} AND {n('clk')} AND ({n('do')} OR {n('u')} IS NOT NULL) THEN 1 END"


def _key_present(holder: str, key: str) -> str:
    return f"(jkind(json_extract({holder}, '$.{key}')) IS NOT NULL)"


def _required(table: Table) -> dict[tuple[str, ...], str]:
    """Each required value below a member, and the column holding the JSON text it sits in."""
    found: dict[tuple[str, ...], str] = {}
    for name in table.member.node.get("required", []):
        found[(name,)] = "text__"
    for container in table.containers:
        for name in container.node.node.get("required", []):
            found[(*container.tokens, name)] = quote("c__" + column_name(container.tokens))
    return found


def _absent(table: Table, holder: str, required: dict[tuple[str, ...], str]) -> str:
    """Whether any value the schema requires of one object is absent (what fires ``required``)."""
    terms = []
    for tokens, where in required.items():
        if where != holder:
            continue
        column = quote(("c__" if _is_container(table, tokens) else "j__") + column_name(tokens))
        terms.append(f"({column} IS NULL AND NOT {_key_present(holder, tokens[-1])})")
    if holder != "text__":
        # Inside a folded object, only when that object is one.
        terms = [f"({holder} IS NOT NULL AND jkind({holder}) = 'object' AND ({' OR '.join(terms)}))"]
    return "(" + " OR ".join(terms) + ")"


def _is_container(table: Table, tokens: tuple[str, ...]) -> bool:
    return any(container.tokens == tokens for container in table.containers)


def _required_problem(
    column: str, tokens: tuple[str, ...], holder: str, absent: str, null_problem: str, otherwise: str
) -> tuple[str, str]:
    """A required value's type problem and whether it is missing.

    When any required value of an object is absent, the validator's
    ``required`` error names every one that is absent or null, and that is the
    one problem at their pointers; otherwise a null is a type error.
    """
    problem = (
        f"CASE WHEN {column} IS NULL AND {absent} THEN NULL "
        f"WHEN {column} IS NULL AND {_key_present(holder, tokens[-1])} THEN {null_problem} "
        f"WHEN {column} IS NULL THEN NULL ELSE {otherwise} END"
    )
    return problem, f"({column} IS NULL AND {absent})"


def typing_statement(table: Table) -> str:
    """``t0_<table>``: each value typed, with its problem and whether it can be read.

    Built as stacked SELECTs (see ``MomentSql``): every expression reads the
    plain columns of the stage below, so none repeats another.
    """
    moments = [MomentSql(value.column) for value in table.values if value.kind in ("moment", "date")]
    stages: list[list[str]] = [
        [m.parts(quote("j__" + m.column)) for m in moments],
        [column for m in moments for column in m.numbers()],
        [column for m in moments for column in m.checks()],
        [column for m in moments for column in m.walls()],
    ]
    sql = f"SELECT f.*, {row_pointer(table)} AS ptr__ FROM f_{table.name} AS f"
    for stage in stages:
        if stage:
            sql = f"SELECT *, {', '.join(stage)} FROM ({sql})"
    zones = [f"zw_{n}" for n in range(len(moments))]
    offsets = [column for m, zone in zip(moments, zones, strict=True) for column in m.offsets(zone)]
    if moments:
        joins = " ".join(m.zone_join(zone) for m, zone in zip(moments, zones, strict=True))
        sql = f"SELECT s.*, {', '.join(offsets)} FROM ({sql}) AS s {joins}"
        for stage in ([c for m in moments for c in m.instant()], [c for m in moments for c in m.bounds()]):
            sql = f"SELECT *, {', '.join(stage)} FROM ({sql})"
    values, flags = _value_columns(table)
    sql = f"SELECT *, {', '.join(values)} FROM ({sql})"
    return f"CREATE OR REPLACE TEMP TABLE t0_{table.name} AS SELECT {', '.join(flags)} FROM ({sql})"


def _value_columns(table: Table) -> tuple[list[str], list[str]]:
    """The problems and typed values (first list), then what ``t0_`` keeps (second list)."""
    values: list[str] = []
    kept: list[str] = [*table.keys, "ok", "ptr__", "text__"]
    required = _required(table)
    absent = {holder: _absent(table, holder, required) for holder in set(required.values())}
    container_bad: dict[tuple[str, ...], str] = {}
    for container in sorted(table.containers, key=lambda entry: len(entry.tokens)):
        name = column_name(container.tokens)
        c = quote("c__" + name)
        problem = _type_problem(c, container.node.node) or "NULL::VARCHAR"
        if container.tokens in required:
            holder = required[container.tokens]
            problem, missing = _required_problem(
                c, container.tokens, holder, absent[holder], "'must be an object, not null'", problem
            )
            values.append(f"{missing} AS {quote('c__' + name + '__missing')}")
            kept.append(quote("c__" + name + "__missing"))
        values.append(f"{problem} AS {quote('c__' + name + '__problem')}")
        kept.append(quote("c__" + name + "__problem"))
        enclosing = [container_bad[container.tokens[:n]] for n in range(1, len(container.tokens))]
        container_bad[container.tokens] = " OR ".join(
            [f"{quote('c__' + name + '__problem')} IS NOT NULL", *enclosing]
        )
        kept.append(f"(NOT ok OR {container_bad[container.tokens]}) AS {quote('c__' + name + '__bad')}")
        kept.append(c)
    for value in table.values:
        column = value.column
        j = quote("j__" + column)
        moment = MomentSql(column) if value.kind in ("moment", "date") else None
        problem = _leaf_problem(value, j, None if moment is None else moment.valid(value.kind == "date"))
        if value.tokens in required:
            declared = _declared(value.node.node)
            null_problem = (
                f"'must be {_names(declared)}, not null'" if declared and "null" not in declared else "NULL"
            )
            holder = required[value.tokens]
            problem, missing = _required_problem(
                j, value.tokens, holder, absent[holder], null_problem, problem
            )
            values.append(f"{missing} AS {quote(column + '__missing')}")
            kept.append(quote(column + "__missing"))
        values.append(f"{problem} AS {quote(column + '__problem')}")
        kept.append(quote(column + "__problem"))
        for definition, name in _typed_columns(value, j, moment):
            values.append(f"{definition} AS {name}")
            kept.append(name)
        holders = [container_bad[value.tokens[:n]] for n in range(1, len(value.tokens))]
        bad = [f"{quote(column + '__problem')} IS NOT NULL", "NOT ok", *holders]
        kept.append(f"({' OR '.join(bad)}) AS {quote(column + '__bad')}")
        if value.kind == "texts":
            kept.append(j)
    for child in table.children:
        kept.append(quote("l__" + child.name))
        enclosing = [container_bad[child.via[:n]] for n in range(1, len(child.via))]
        wrong = " OR ".join([_list_wrong(child), *enclosing])
        kept.append(f"(NOT ok OR {wrong}) AS {quote('l__' + child.name + '__bad')}")
    return values, kept


def problems_statement() -> str:
    """``problems(rec, pointer, message, missing)``: one row per value the validator would name."""
    parts: list[str] = []
    for table in record_table().walk():
        source = f"t0_{table.name}"
        for container in table.containers:
            name = column_name(container.tokens)
            pointer = f"ptr__ || '/{'/'.join(container.tokens)}'"
            parts.append(
                f"SELECT rec, {pointer}, {quote('c__' + name + '__problem')}, FALSE FROM {source} "
                f"WHERE {quote('c__' + name + '__problem')} IS NOT NULL"
            )
            if _is_required(table, container.tokens):
                parts.append(
                    f"SELECT rec, {pointer}, 'is required but missing', TRUE FROM {source} "
                    f"WHERE {quote('c__' + name + '__missing')}"
                )
        for value in table.values:
            pointer = f"ptr__ || '/{'/'.join(value.tokens)}'"
            problem = quote(value.column + "__problem")
            parts.append(f"SELECT rec, {pointer}, {problem}, FALSE FROM {source} WHERE {problem} IS NOT NULL")
            if _is_required(table, value.tokens):
                parts.append(
                    f"SELECT rec, {pointer}, 'is required but missing', TRUE FROM {source} "
                    f"WHERE {quote(value.column + '__missing')}"
                )
            if value.kind == "texts" and value.list_of is not None:
                parts.append(_member_problems(table, value))
        if table.parent is not None:
            parts.append(
                f"SELECT rec, ptr__, 'must be an object, not ' || jname(jkind(text__)), FALSE FROM {source} "
                "WHERE NOT ok"
            )
        for child in table.children:
            parts.append(_list_problem(table, child))
    union = " UNION ALL ".join(f"({part})" for part in parts if part)
    return f"CREATE OR REPLACE TEMP TABLE problems AS SELECT * FROM ({union}) AS p(rec, pointer, message, missing)"


def _is_required(table: Table, tokens: tuple[str, ...]) -> bool:
    return tokens in _required(table)


def _member_problems(table: Table, value: Value) -> str:
    """Members of a list of text that are not text (or not one of its choices)."""
    assert value.list_of is not None
    j = quote("j__" + value.column)
    member = value.list_of.node
    problem = _leaf_problem(Value((*value.tokens, "*"), value.list_of), "member", None)
    return (
        (
            f"SELECT rec, ptr__ || '/{'/'.join(value.tokens)}/' || CAST(m.i - 1 AS VARCHAR), m.problem, FALSE FROM ("
            f"SELECT rec, ptr__, member, i, {problem} AS problem FROM ("
            f"SELECT rec, ptr__, unnest(json_transform({j}, '[\"JSON\"]')) AS member, "
            f"generate_subscripts(json_transform({j}, '[\"JSON\"]'), 1) AS i FROM t0_{table.name} "
            f"WHERE jkind({j}) = 'array' AND NOT {quote(value.column + '__bad')})) AS m "
            f"WHERE m.problem IS NOT NULL"
        )
        if member
        else ""
    )


def _list_kind(child: Table) -> str:
    """The JSON type of a collection's value in its parent (read again only when it is not a list)."""
    column = quote("l__" + child.name)
    if child.one_or_many:
        return f"jkind({column})"
    return f"jkind(json_extract(text__, '$.{child.via[-1]}'))"


def _list_wrong(child: Table) -> str:
    """A collection that is not a list (or, for a plan, neither an object nor a list)."""
    column = quote("l__" + child.name)
    types = _declared(_list_node(child))
    allowed = {"array": "'array'", "object": "'object'"}
    fits = ", ".join(allowed[name] for name in types if name in allowed)
    kind = _list_kind(child)
    if child.one_or_many:
        return f"({column} IS NOT NULL AND {kind} NOT IN ({fits}))"
    key = '"' + child.via[-1] + '"'
    return (
        f"({column} IS NULL AND contains(text__, '{key}') AND {kind} IS NOT NULL AND {kind} NOT IN ({fits}))"
    )


def _list_problem(parent: Table, child: Table) -> str:
    pointer = f"ptr__ || '/{'/'.join(child.via)}'"
    types = _declared(_list_node(child))
    return (
        f"SELECT rec, {pointer}, 'must be {_names(types)}, not ' || jname({_list_kind(child)}), FALSE "
        f"FROM t0_{parent.name} WHERE ok AND {_list_wrong(child)}"
    )


def _list_node(child: Table) -> dict[str, object]:
    parent = child.parent
    assert parent is not None
    node = parent.member
    for token in child.via:
        found = node.child(token)
        assert found is not None
        node = found
    return node.node


def _typed_columns(value: Value, j: str, moment: MomentSql | None) -> list[tuple[str, str]]:
    """(definition, name) of the columns a value is read through."""
    name = value.column
    kind = value.kind
    if kind == "text":
        return [(f"jtext({j})", quote(name))]
    if kind == "flag":
        return [(f"CASE WHEN {j} = 'true' THEN TRUE WHEN {j} = 'false' THEN FALSE END", quote(name))]
    if kind in ("integer", "number"):
        return [
            (f"CASE WHEN jkind({j}) IN ('integer', 'number') THEN TRY_CAST({j} AS DOUBLE) END", quote(name)),
            (f"jkind({j}) = 'integer'", quote(name + "__int")),
        ]
    if kind == "texts":
        strings = f"list_filter(json_transform({j}, '[\"JSON\"]'), lambda x: jkind(x) = 'string')"
        return [
            (
                f"CASE WHEN jkind({j}) = 'array' THEN list_transform({strings}, lambda x: jtext(x)) END",
                quote(name),
            ),
            (f"CASE WHEN jkind({j}) = 'array' THEN json_array_length({j}) END", quote(name + "__n")),
        ]
    assert moment is not None
    n = moment.name
    columns: list[tuple[str, str]] = []
    if kind == "date":
        date = f"make_date(CAST({n('y')} AS INTEGER), CAST({n('mo')} AS INTEGER), CAST({n('d')} AS INTEGER))"
        columns.append((f"CASE WHEN {n('cal')} AND {n('do')} THEN {date} END", quote(name)))
    columns += [
        (f"({j} IS NOT NULL)", quote(name + "__set")),
        (n("lo"), quote(name + "__lo")),
        (n("hi"), quote(name + "__hi")),
        (f"coalesce({n('do')}, FALSE)", quote(name + "__date")),
    ]
    return columns


def inherited_event_statement(table: Table) -> str | None:
    """Give a nested list's members their parent's time (an interview has its episode's)."""
    if table.member.event_time is not None or table.parent is None or table.event_time is None:
        return None
    parent = table.parent
    on = " AND ".join(f"p.{key} = x.{key}" for key in parent.keys)
    if parent.member.event_time is not None:
        column = column_name(tuple(parent.member.event_time.split("/")))
        columns = ", ".join(
            f"p.{quote(column + suffix)} AS ev__{name}"
            for suffix, name in (
                ("__lo", "lo"),
                ("__hi", "hi"),
                ("__date", "date"),
                ("__bad", "bad"),
                ("__set", "set"),
            )
        )
        pointer = f"p.ptr__ || '/{parent.member.event_time}' AS ev_ptr__"
    else:
        columns = ", ".join(f"p.ev__{name} AS ev__{name}" for name in ("lo", "hi", "date", "bad", "set"))
        pointer = "p.ev_ptr__ AS ev_ptr__"
    return (
        f"CREATE OR REPLACE TEMP TABLE t0_{table.name} AS SELECT x.*, {columns}, {pointer} "
        f"FROM t0_{table.name} AS x LEFT JOIN t0_{parent.name} AS p ON {on}"
    )


RECORD_STATEMENT = """CREATE OR REPLACE TEMP TABLE t_record AS
SELECT t.*, c.as_of__, c.as_of_day__, c.where__, a.adulthood__,
    CASE WHEN a.adulthood__ IS NULL AND NOT t."child__age_years__bad" AND t."child__age_years__int"
        THEN t."child__age_years" >= 18 END AS adult_by_age__
FROM t0_record AS t JOIN chunk AS c ON c.rec = t.rec
JOIN (SELECT rec, CASE WHEN NOT "child__date_of_birth__bad" THEN
        CASE WHEN month("child__date_of_birth") = 2 AND day("child__date_of_birth") = 29
            THEN make_date(year("child__date_of_birth") + 18, 3, 1)
            ELSE make_date(year("child__date_of_birth") + 18, month("child__date_of_birth"),
                day("child__date_of_birth")) END END AS adulthood__ FROM t0_record) AS a ON a.rec = t.rec"""
