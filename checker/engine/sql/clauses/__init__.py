"""Each clause of the rule language as SQL, one family per module, as in ``engine/language``.

Importing the package registers every family's clauses in ``SQL_CLAUSES``.
"""

from __future__ import annotations

from checker.engine.sql.clauses import deadlines, links, logic, quality, values

__all__ = ["deadlines", "links", "logic", "quality", "values"]
