"""Records into flat relations: one DuckDB table per collection, each value still as JSON text.

A chunk of records arrives as ``chunk(rec, text)``. Every record is parsed
once into its top-level values; each collection's members are parsed again
from their own text, and so on down, so that a value of the wrong type is
seen at its own place (an episode that is a string, a ``dash`` that is a list)
instead of vanishing into a null. The result, per table of the layout, is
``f_<table>(rec, i1.., ok, j__<value>..., c__<container>..., l__<child>...)``:
``ok`` says the member is an object, ``j__`` columns hold each value's JSON
text (NULL when absent or null), ``c__`` each folded object's JSON text, and
``l__`` a child collection's members as JSON texts (a list's dropped once its
members are flattened, leaving ``l__<child>__n``, their number). ``typed.py``
reads these.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from checker.engine.sql.functions import json_kind
from checker.engine.sql.layout import Table, Tokens, column_name, record_table

ONE_OR_MANY_OBJECT = "o"  # the member key of a one-or-many list written as its one object


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _structure(names: list[str], lists: set[str]) -> str:
    return json.dumps({name: (["JSON"] if name in lists else "JSON") for name in names}, sort_keys=True)


# The members of a JSON list, each as its JSON text (a JSON null as SQL NULL).
LIST_STRUCTURE = '["JSON"]'


def json_struct(text: str, structure: str) -> str:
    """JSON text read into ``structure`` (DuckDB's ``json_transform``, by the name Spark and
    SQLGlot know it by): each value of the type named, NULL where absent or not of it."""
    return f"from_json({text}, {_literal(structure)})"


def numbered_members(source: str, alias: str, keys: list[str], members: str, key: str) -> str:
    """One row per member of a list column: the row's keys, ``member`` and its position
    (``key``, 1 first); a row whose list is NULL or empty gives none."""
    own = ", ".join(f"{alias}.{name}" for name in keys)
    # DuckDB evaluates an expression handed to unnest WITH ORDINALITY again for each member it
    # gives: a list parsed from JSON there took time growing with the square of its length (a
    # child's 10,000 plans: 19 s, then out of memory). Made a column first, it is parsed once.
    return (
        f"SELECT {own}, u.member, u.i AS {key} "
        f"FROM (SELECT *, {members} AS members__ FROM {source} AS {alias}) AS {alias} "
        f"CROSS JOIN unnest({alias}.members__) WITH ORDINALITY AS u(member, i)"
    )


@dataclass(frozen=True)
class Flattening:
    """The statements that flatten one chunk, in the order they run."""

    statements: list[str]
    tables: list[str]  # the f_ tables they create


def _direct(table: Table) -> tuple[list[str], set[str]]:
    """The names directly below a member, and which of them are child collections (as lists)."""
    names: set[str] = set()
    lists: set[str] = set()
    for value in table.values:
        names.add(value.tokens[0])
    for container in table.containers:
        names.add(container.tokens[0])
    for child in table.children:
        names.add(child.via[0])
        if len(child.via) == 1 and not child.one_or_many:
            lists.add(child.via[0])
    return sorted(names), lists


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _field(parsed: str, tokens: Tokens, parent: Tokens) -> str:
    """A value of the parsed member, or of the folded object it sits in."""
    holder = parsed if not parent else quote("s__" + column_name(parent))
    return f"struct_extract({holder}, {_literal(tokens[-1])})"


def _member_columns(table: Table, parsed: str) -> list[str]:
    """Columns of one member from its parsed top level (``parsed`` is the transformed struct)."""
    columns: list[str] = []
    # Folded objects, outermost first: each is parsed from its own text when it is an object.
    texts: dict[Tokens, str] = {}
    for container in sorted(table.containers, key=lambda entry: len(entry.tokens)):
        parent = container.tokens[:-1]
        source = _field(parsed, container.tokens, parent)
        texts[container.tokens] = source
        columns.append(f"{source} AS {quote('c__' + column_name(container.tokens))}")
        names = sorted(
            {
                value.tokens[len(container.tokens)]
                for value in table.values
                if value.tokens[: len(container.tokens)] == container.tokens
            }
            | {
                inner.tokens[len(container.tokens)]
                for inner in table.containers
                if inner.tokens[: len(container.tokens)] == container.tokens
                and len(inner.tokens) > len(container.tokens)
            }
            | {
                child.via[len(container.tokens)]
                for child in table.children
                if child.via[: len(container.tokens)] == container.tokens
                and len(child.via) > len(container.tokens)
            }
        )
        structure = _structure(names, set())
        columns.append(
            f"CASE WHEN starts_with({source}, '{{') THEN {json_struct(source, structure)} END "
            f"AS {quote('s__' + column_name(container.tokens))}"
        )
    for value in table.values:
        parent = value.tokens[:-1]
        columns.append(f"{_field(parsed, value.tokens, parent)} AS {quote('j__' + value.column)}")
    for child in table.children:
        parent = child.via[:-1]
        members = _field(parsed, child.via, parent)
        columns.append(f"{members} AS {quote('l__' + child.name)}")
        if not child.one_or_many:
            columns.append(f"array_length({members}) AS {quote(members_count(child))}")
    return columns


def _select_members(table: Table, source: str, keys: list[str], text: str) -> str:
    """One row per member: its keys, JSON type and names, and its values' texts.

    The member's own text is read into the struct of its values, and again for
    the names it has only where a value it requires is null or absent (which
    the struct cannot tell apart); a collection that is not a list (so not in
    the struct) is looked up again only where its name is in the text, in a
    stage of its own: an expression that read the text in every row cost more
    than the rest of the typing together.
    """
    names, lists = _direct(table)
    structure = _structure(names, lists)
    struct = quote("p")
    columns = _member_columns(table, struct)
    key_list = ", ".join(keys)
    lacking = " OR ".join(
        f"struct_extract({struct}, {_literal(name)}) IS NULL"
        for name in table.member.node.get("required", [])
    )
    names_read = f"json_keys({text})" if lacking else "NULL"
    members = (
        f"SELECT {key_list}, {text} AS text__, {json_kind(text)} AS kind__, coalesce(starts_with({text}, "
        f"'{{'), FALSE) AS ok, CAST(CASE WHEN starts_with({text}, '{{') AND ({lacking or 'FALSE'}) "
        f"THEN {names_read} END AS VARCHAR[]) AS keys__, "
        f"{', '.join(columns)} "
        f"FROM (SELECT *, CASE WHEN starts_with({text}, "
        f"'{{') THEN {json_struct(text, structure)} END AS {struct} "
        f"FROM {source})"
    )
    found = [child for child in table.children if len(child.via) == 1 and not child.one_or_many]
    if not found:
        return f"SELECT * EXCLUDE (text__) FROM ({members})"
    stray = ", ".join(
        f"CASE WHEN {quote('l__' + child.name)} IS NULL "
        f"AND contains(text__, {_literal(quote(child.via[0]))}) "
        f"THEN json_extract(text__, {_literal('$.' + child.via[0])}) END AS {quote('x__' + child.name)}"
        for child in found
    )
    kinds = ", ".join(f"{json_kind(quote('x__' + child.name))} AS {list_kind(child)}" for child in found)
    dropped = ", ".join(quote("x__" + child.name) for child in found)
    return f"SELECT * EXCLUDE (text__, {dropped}), {kinds} FROM (SELECT *, {stray} FROM ({members}))"


def list_kind(child: Table) -> str:
    """The column holding the JSON type of a collection that is there but not a list."""
    return quote("l__" + child.name + "__kind")


def members_count(child: Table) -> str:
    """The column of ``t0_``/``t_<parent>`` giving how many members a child list has (NULL: no
    list). The checks and the problems ask only that of a list, not its members' texts."""
    return "l__" + child.name + "__n"


def flattening() -> Flattening:
    """Statements turning ``chunk(rec, text)`` into the ``f_`` tables."""
    statements: list[str] = []
    made: list[str] = []
    top = record_table()
    statements.append(
        f"CREATE OR REPLACE TEMP TABLE f_record AS {_select_members(top, 'chunk', ['rec'], 'text')}"
    )
    made.append("f_record")
    pending = [(child, top) for child in top.children]
    while pending:
        table, parent = pending.pop(0)
        parent_keys = parent.keys
        column = quote("l__" + table.name)
        member_key = f"i{table.depth}"
        parent_table = f"f_{parent.name}"
        if table.one_or_many:
            # An object is the list's one member (no position); a list gives its members.
            listed = numbered_members(
                parent_table, "p", parent_keys, json_struct(f"p.{column}", LIST_STRUCTURE), member_key
            )
            source = (
                f"(SELECT {', '.join(parent_keys)}, {column} AS member, NULL::BIGINT AS {member_key} "
                f"FROM {parent_table} WHERE starts_with({column}, '{{') "
                f"UNION ALL {listed} WHERE starts_with(p.{column}, '['))"
            )
        else:
            source = f"({numbered_members(parent_table, 'p', parent_keys, f'p.{column}', member_key)})"
        statements.append(
            f"CREATE OR REPLACE TEMP TABLE f_{table.name} AS "
            f"{_select_members(table, source, table.keys, 'member')}"
        )
        made.append(f"f_{table.name}")
        if not table.one_or_many:
            # Its members' texts, flattened now, are nearly the whole record again: the typing
            # reads only how many there are (``members_count``).
            statements.append(f"ALTER TABLE {parent_table} DROP COLUMN {column}")
        pending.extend((child, table) for child in table.children)
    return Flattening(statements, made)
