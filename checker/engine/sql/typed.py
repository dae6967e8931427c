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


def zone_offset(alias: str, wall: str) -> str:
    """The offset (microseconds) a zone row gives a wall-clock or UTC time in its year."""
    parts = [f"WHEN {alias}.sw1 IS NULL OR {wall} < {alias}.sw1 THEN {alias}.off0"]
    for n in range(1, SWITCHES):
        parts.append(f"WHEN {alias}.sw{n + 1} IS NULL OR {wall} < {alias}.sw{n + 1} THEN {alias}.off{n}")
    return f"(CASE {' '.join(parts)} ELSE {alias}.off{SWITCHES} END)"


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
    """Expressions over the parts struct ``p`` of a value and its zone row ``z``."""

    p: str
    z: str

    def _int(self, name: str) -> str:
        return f"TRY_CAST({self.p}.{name} AS BIGINT)"

    def calendar_ok(self) -> str:
        y, mo, d = self._int("y"), self._int("mo"), self._int("d")
        return f"({self.p}.y <> '' AND {y} >= 1 AND {mo} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND month_days({y}, {mo}))"

    def clock_ok(self) -> str:
        h, mi = self._int("h"), self._int("mi")
        seconds = f"coalesce(TRY_CAST(nullif({self.p}.s, '') AS BIGINT), 0)"
        offset_ok = (
            f"({self.p}.sg = '' OR (coalesce(TRY_CAST(nullif({self.p}.om, '') AS BIGINT), 0) <= 59 "
            f"AND {self._int('oh')} * 60 + coalesce(TRY_CAST(nullif({self.p}.om, '') AS BIGINT), 0) < 1440))"
        )
        return f"({self.p}.h = '' OR ({h} <= 23 AND {mi} <= 59 AND {seconds} <= 59 AND {offset_ok}))"

    def date_only(self) -> str:
        return f"({self.p}.h = '')"

    def wall_midnight(self, days_on: int = 0) -> str:
        return (
            f"(civil_days({self._int('y')}, {self._int('mo')}, {self._int('d')}) + {days_on}) * {DAY_MICROS}"
        )

    def wall(self) -> str:
        fraction = f"coalesce(TRY_CAST(rpad(left(nullif({self.p}.f, ''), 6), 6, '0') AS BIGINT), 0)"
        seconds = f"coalesce(TRY_CAST(nullif({self.p}.s, '') AS BIGINT), 0)"
        return (
            f"({self.wall_midnight()} + {self._int('h')} * 3600000000 + {self._int('mi')} * 60000000 "
            f"+ {seconds} * 1000000 + {fraction})"
        )

    def utc(self) -> str:
        """The exact instant of a value with a time, or NULL."""
        offset = (
            f"(CASE WHEN {self.p}.sg = '-' THEN -1 ELSE 1 END) * ({self._int('oh')} * 3600000000 "
            f"+ coalesce(TRY_CAST(nullif({self.p}.om, '') AS BIGINT), 0) * 60000000)"
        )
        local = f"{self.wall()} - {zone_offset(self.z, self.wall())}"
        instant = (
            f"CASE WHEN {self.p}.z <> '' THEN {self.wall()} WHEN {self.p}.sg <> '' THEN {self.wall()} - {offset} "
            f"ELSE {local} END"
        )
        return f"CASE WHEN {instant} BETWEEN {FIRST_MICROS} AND {LAST_MICROS} THEN {instant} END"

    def day_start(self, days_on: int = 0) -> str:
        wall = self.wall_midnight(days_on)
        return f"({wall} - {zone_offset(self.z, wall)})"

    def lo(self) -> str:
        return (
            f"CASE WHEN {self.calendar_ok()} AND {self.clock_ok()} THEN "
            f"CASE WHEN {self.date_only()} THEN {self.day_start()} ELSE {self.utc()} END END"
        )

    def hi(self) -> str:
        last = f"{self.day_start(1)} - 1"
        return (
            f"CASE WHEN {self.calendar_ok()} AND {self.clock_ok()} THEN "
            f"CASE WHEN {self.date_only()} THEN (CASE WHEN {last} <= {LAST_MICROS} THEN {last} END) "
            f"ELSE {self.utc()} END END"
        )


def _local_day(instant: str, zone_alias: str) -> str:
    return f"CAST(make_timestamp({instant} + {zone_offset(zone_alias, instant)}) AS DATE)"


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

    Every expression names the flattened columns bare: they come from one
    subquery, beside the zone rows joined for each time.
    """
    inner: list[str] = ["f.*", f"{row_pointer(table)} AS ptr__"]
    outer: list[str] = [*table.keys, "ok", "ptr__", "text__"]
    joins: list[str] = []
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
            outer.append(f"{missing} AS {quote('c__' + name + '__missing')}")
        outer.append(f"{problem} AS {quote('c__' + name + '__problem')}")
        enclosing = [container_bad[container.tokens[:n]] for n in range(1, len(container.tokens))]
        own = f"{quote('c__' + name + '__problem')} IS NOT NULL"
        container_bad[container.tokens] = " OR ".join([own, *enclosing])
        outer.append(f"(NOT ok OR {container_bad[container.tokens]}) AS {quote('c__' + name + '__bad')}")
    for value in table.values:
        column = value.column
        j = quote("j__" + column)
        holders = [container_bad[value.tokens[:n]] for n in range(1, len(value.tokens))]
        moment = None
        if value.kind in ("moment", "date"):
            parts = quote("p__" + column)
            inner.append(f"{_moment_parts(j)} AS {parts}")
            zone = f"zw_{len(joins)}"
            joins.append(f"LEFT JOIN zone_wall AS {zone} ON {zone}.year = TRY_CAST({parts}.y AS INTEGER)")
            moment = MomentSql(parts, zone)
        problem = _leaf_problem(value, j, None if moment is None else _format_ok(value, moment))
        if value.tokens in required:
            declared = _declared(value.node.node)
            null_problem = (
                f"'must be {_names(declared)}, not null'" if declared and "null" not in declared else "NULL"
            )
            holder = required[value.tokens]
            problem, missing = _required_problem(
                j, value.tokens, holder, absent[holder], null_problem, problem
            )
            outer.append(f"{missing} AS {quote(column + '__missing')}")
        outer.append(f"{problem} AS {quote(column + '__problem')}")
        outer.extend(_typed_columns(value, j, moment))
        bad = [f"{quote(column + '__problem')} IS NOT NULL", "NOT ok", *holders]
        outer.append(f"({' OR '.join(bad)}) AS {quote(column + '__bad')}")
        if value.kind == "texts":
            outer.append(f"{j}")
    for child in table.children:
        outer.append(quote("l__" + child.name))
        enclosing = [container_bad[child.via[:n]] for n in range(1, len(child.via))]
        outer.append(
            f"(NOT ok OR {' OR '.join([_list_wrong(child), *enclosing])}) AS {quote('l__' + child.name + '__bad')}"
        )
    outer.extend(quote("c__" + column_name(container.tokens)) for container in table.containers)
    source = f"(SELECT {', '.join(inner)} FROM f_{table.name} AS f) AS b"
    return (
        f"CREATE OR REPLACE TEMP TABLE t0_{table.name} AS SELECT {', '.join(outer)} "
        f"FROM {source} {' '.join(joins)}"
    )


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


def _format_ok(value: Value, moment: MomentSql) -> str:
    """Non-NULL when a text value is a valid timestamp (or date) in the validator's sense."""
    if value.kind == "date":
        return f"CASE WHEN {moment.calendar_ok()} AND {moment.date_only()} THEN 1 END"
    return f"CASE WHEN {moment.calendar_ok()} AND {moment.clock_ok()} AND ({moment.date_only()} OR {moment.utc()} IS NOT NULL) THEN 1 END"


def _typed_columns(value: Value, j: str, moment: MomentSql | None) -> list[str]:
    name = value.column
    kind = value.kind
    if kind == "text":
        return [f"jtext({j}) AS {quote(name)}"]
    if kind == "flag":
        return [f"CASE WHEN {j} = 'true' THEN TRUE WHEN {j} = 'false' THEN FALSE END AS {quote(name)}"]
    if kind in ("integer", "number"):
        return [
            f"CASE WHEN jkind({j}) IN ('integer', 'number') THEN TRY_CAST({j} AS DOUBLE) END AS {quote(name)}",
            f"jkind({j}) = 'integer' AS {quote(name + '__int')}",
        ]
    if kind == "texts":
        return [
            f"CASE WHEN jkind({j}) = 'array' THEN list_transform(list_filter(json_transform({j}, '[\"JSON\"]'), "
            f"lambda x: jkind(x) = 'string'), lambda x: jtext(x)) END AS {quote(name)}",
            f"CASE WHEN jkind({j}) = 'array' THEN json_array_length({j}) END AS {quote(name + '__n')}",
        ]
    assert moment is not None
    columns: list[str] = []
    if kind == "date":
        columns.append(
            f"CASE WHEN {moment.calendar_ok()} AND {moment.date_only()} THEN "
            f"make_date(TRY_CAST({moment.p}.y AS INTEGER), TRY_CAST({moment.p}.mo AS INTEGER), "
            f"TRY_CAST({moment.p}.d AS INTEGER)) END AS {quote(name)}"
        )
    columns += [
        f"({j} IS NOT NULL) AS {quote(name + '__set')}",
        f"{moment.lo()} AS {quote(name + '__lo')}",
        f"{moment.hi()} AS {quote(name + '__hi')}",
        f"{moment.date_only()} AS {quote(name + '__date')}",
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
            for suffix, name in (("__lo", "lo"), ("__hi", "hi"), ("__date", "date"), ("__bad", "bad"), ("__set", "set"))
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
