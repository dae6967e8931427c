"""The rulebook compiled to set-based SQL and run on DuckDB: the engine users get.

Records are flattened once into one relation per collection (``flatten.py``),
typed and checked against the record schema (``typed.py``, ``moments.py``,
``problems.py``), given the columns every rule shares (``derived.py``), and
each rule's checks become one query over them (``compiler.py``, ``clauses/``,
``checks.py``). ``run.py`` loads records into a session and runs the compiled
rulebook; ``messages.py`` words the failures exactly as the reference engine
(``checker/engine/language``) does.
"""
