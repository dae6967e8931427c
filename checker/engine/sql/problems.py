"""What is wrong with each value, in the words of the Python validator (records/schema.py).

For each value of each table, a ``__problem`` message ("must be text, not a
whole number", "must be one of: ...", "is not a date (YYYY-MM-DD)" ...);
``problems`` gathers them, one row per offending value at its JSON pointer,
exactly as jsonschema's errors are explained: the data-quality check reads
that table, and a value with a problem is unknown to every other rule.
"""

from __future__ import annotations

from checker.engine.sql.flatten import (
    LIST_STRUCTURE,
    json_struct,
    list_kind,
    members_count,
    numbered_members,
    quote,
)
from checker.engine.sql.functions import OUT_OF_RANGE_KIND, json_kind, json_text, json_type_name, json_whole
from checker.engine.sql.layout import Table, Value, column_name, record_table
from checker.engine.sql.moments import MomentSql
from checker.records.schema import DATE_FORMAT, JSON_TYPE_NAMES, TIMESTAMP_FORMAT
from checker.records.times import OutOfRange

TIMESTAMP_PROBLEM = "is not an ISO 8601 timestamp (YYYY-MM-DDTHH:MM[:SS][Z or ±HH:MM]) or date (YYYY-MM-DD)"


DATE_PROBLEM = "is not a date (YYYY-MM-DD)"

TIMESTAMP_FAR = f"is a timestamp {OutOfRange()}"

DATE_FAR = f"is a date {OutOfRange()}"

MEMBER = "the member"  # a required value's holder when it is the member itself (its names are keys__)


def _names(types: list[str]) -> str:
    return " or ".join(JSON_TYPE_NAMES[name] for name in types if name != "null")


def _declared(value_node: dict[str, object]) -> list[str]:
    declared = value_node.get("type")
    if declared is None:
        return []
    if isinstance(declared, str):
        return [declared]
    return [str(name) for name in declared] if isinstance(declared, list) else []


def kind_of(j: str) -> str:
    """The JSON type of a value's text: for a value or folded object of the member being
    typed, its ``__kind`` column, worked out once (``typed.kind_columns``); ``json_kind``
    written out at each of its forty-odd uses was over half the time to plan the typing."""
    if j.startswith(('"j__', '"c__')):
        return quote(j[1:-1] + "__kind")
    return json_kind(j)


def _type_problem(j: str, node: dict[str, object]) -> str | None:
    """The type error of a value's JSON text, or None when its types cannot be wrong."""
    declared = _declared(node)
    if not declared:
        return None
    allowed = [name for name in declared if name != "null"]
    tests = []
    for name in allowed:
        if name == "integer":
            tests.append(f"({kind_of(j)} IN ('integer', 'number') AND {json_whole(j)})")
        elif name == "number":
            tests.append(f"{kind_of(j)} IN ('integer', 'number', '{OUT_OF_RANGE_KIND}')")
        else:
            tests.append(f"{kind_of(j)} = '{name}'")
    fits = " OR ".join(tests) or "FALSE"
    return (
        f"CASE WHEN {j} IS NOT NULL AND NOT ({fits}) THEN 'must be {_names(declared)}, not ' "
        f"|| {json_type_name(kind_of(j))} END"
    )


def _leaf_problem(value: Value, j: str, moment: MomentSql | None) -> str:
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
            f"CASE WHEN {j} IS NOT NULL AND ({kind_of(j)} <> 'string' OR {json_text(j)} NOT IN ({allowed})) "
            f"THEN 'must be one of: {listed}' END"
        )
    if value.node.format == TIMESTAMP_FORMAT and moment is not None:
        not_text = f"{kind_of(j)} IS DISTINCT FROM 'string'"
        checks.append(
            f"CASE WHEN {not_text} OR {moment.valid(False)} IS NOT NULL THEN NULL "
            f"WHEN {moment.out_of_range(False)} THEN '{TIMESTAMP_FAR}' "
            f"WHEN {moment.out_of_range(True)} THEN '{DATE_FAR}' ELSE '{TIMESTAMP_PROBLEM}' END"
        )
    if value.node.format == DATE_FORMAT and moment is not None:
        checks.append(
            f"CASE WHEN {kind_of(j)} IS DISTINCT FROM 'string' OR {moment.valid(True)} IS NOT NULL THEN NULL "
            f"WHEN {moment.out_of_range(True)} THEN '{DATE_FAR}' ELSE '{DATE_PROBLEM}' END"
        )
    if node.get("minLength") is not None:
        checks.append(
            f"CASE WHEN {kind_of(j)} = 'string' AND length({json_text(j)}) < {int(node['minLength'])} "
            "THEN 'must not be empty' END"
        )
    if node.get("minimum") is not None:
        minimum = node["minimum"]
        bound = float(minimum) if isinstance(minimum, int | float) else 0.0
        checks.append(
            f"CASE WHEN {kind_of(j)} IN ('integer', 'number') AND TRY_CAST({j} AS DOUBLE) < {bound} "
            f"THEN 'must be at least {minimum}' END"
        )
    return f"coalesce({', '.join(checks)})" if checks else "NULL::VARCHAR"


def _key_present(holder: str, key: str) -> str:
    if holder == MEMBER:
        return f"coalesce(list_contains(keys__, '{key}'), FALSE)"
    return f"coalesce(list_contains(json_keys({holder}), '{key}'), FALSE)"


def _required(table: Table) -> dict[tuple[str, ...], str]:
    """Each required value below a member, and the column holding the JSON text it sits in."""
    found: dict[tuple[str, ...], str] = {}
    for name in table.member.node.get("required", []):
        found[(name,)] = MEMBER
    for container in table.containers:
        for name in container.node.node.get("required", []):
            key = (*container.tokens, name)
            found[key] = quote("c__" + column_name(container.tokens))
    return found


def _absent(table: Table, holder: str, required: dict[tuple[str, ...], str]) -> str:
    """Whether any value the schema requires of one object is absent (what fires ``required``)."""
    terms = []
    for tokens, where in required.items():
        if where != holder:
            continue
        column = quote(("c__" if _is_container(table, tokens) else "j__") + column_name(tokens))
        terms.append(f"({column} IS NULL AND NOT {_key_present(holder, tokens[-1])})")
    if holder != MEMBER:
        # Inside a folded object, only when that object is one.
        terms = [f"({holder} IS NOT NULL AND {kind_of(holder)} = 'object' AND ({' OR '.join(terms)}))"]
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
                f"SELECT rec, ptr__, 'must be an object, not ' || {json_type_name('kind__')}, FALSE "
                f"FROM {source} WHERE NOT ok"
            )
        for child in table.children:
            parts.append(_list_problem(table, child))
    union = " UNION ALL ".join(f"({part})" for part in parts if part)
    return (
        f"CREATE OR REPLACE TEMP TABLE problems AS SELECT * FROM ({union}) AS p(rec, "
        "pointer, message, missing)"
    )


def _is_required(table: Table, tokens: tuple[str, ...]) -> bool:
    return tokens in _required(table)


def _member_problems(table: Table, value: Value) -> str:
    """Members of a list of text that are not text (or not one of its choices)."""
    assert value.list_of is not None
    j = quote("j__" + value.column)
    member = value.list_of.node
    problem = _leaf_problem(Value((*value.tokens, "*"), value.list_of), "member", None)
    listed = numbered_members(
        f"t0_{table.name}", "v", ["rec", "ptr__"], json_struct(f"v.{j}", LIST_STRUCTURE), "i"
    )
    return (
        (
            f"SELECT rec, ptr__ || '/{'/'.join(value.tokens)}/' || CAST(m.i - 1 AS VARCHAR), "
            "m.problem, FALSE FROM ("
            # A JSON null member is read as SQL NULL: it is the text null again.
            f"SELECT rec, ptr__, member, i, {problem} AS problem FROM ("
            f"SELECT rec, ptr__, coalesce(member, 'null') AS member, i FROM ({listed} "
            f"WHERE {json_kind(f'v.{j}')} = 'array' AND NOT v.{quote(value.column + '__bad')}))) AS m "
            f"WHERE m.problem IS NOT NULL"
        )
        if member
        else ""
    )


def _list_kind(child: Table) -> str:
    """The JSON type of a collection's value in its parent (read again only when it is not a list)."""
    column = quote("l__" + child.name)
    if child.one_or_many:
        return json_kind(column)
    return list_kind(child)


def _list_wrong(child: Table) -> str:
    """A collection that is not a list (or, for a plan, neither an object nor a list); a list is
    read as its number of members (``members_count``), its texts gone once flattened."""
    column = quote("l__" + child.name)
    types = _declared(_list_node(child))
    allowed = {"array": "'array'", "object": "'object'", "null": "'null'"}
    fits = ", ".join(allowed[name] for name in types if name in allowed)
    kind = _list_kind(child)
    if child.one_or_many:
        return f"({column} IS NOT NULL AND {kind} NOT IN ({fits}))"
    return f"({quote(members_count(child))} IS NULL AND {kind} IS NOT NULL AND {kind} NOT IN ({fits}))"


def _list_problem(parent: Table, child: Table) -> str:
    pointer = f"ptr__ || '/{'/'.join(child.via)}'"
    types = _declared(_list_node(child))
    return (
        f"SELECT rec, {pointer}, 'must be {_names(types)}, not ' || {json_type_name(_list_kind(child))}, "
        f"FALSE FROM t0_{parent.name} WHERE ok AND {_list_wrong(child)}"
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
