"""Small queries that every request with a session makes, compiled once.

The ORM builds and compiles a query's SQL each time it runs. For the few small queries a
learner's page makes when it comes from its skeleton (their session, their account, their
ticks), that is about 0.2 ms each, more than half of the request (cProfile:
`SQLCompiler.as_sql` and `Query.build_filter`, against 15 µs for the SQL itself). A
`CompiledQuery` builds its QuerySet once per database connection, with markers for the
values, keeps the SQL, and runs it with each call's values, turning the columns into Python
values as the ORM does (the same converters). It goes through the connection's cursor, so
it is counted, wrapped and logged like any query.
"""

import secrets
import weakref
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

# Values no query is ever asked with: where a marker lands in the compiled parameters is
# where the call's value goes. The number is within a 32-bit integer column's range (on
# PostgreSQL, Django answers a value out of range with no query at all).
MARKERS = {int: -(2**31) + 7919, str: f"compiled-marker-{secrets.token_hex(8)}"}


class CompiledQuery:
    """`build(*values)` (a QuerySet, or the `values_list` of one), compiled once per
    connection. `kinds` gives each value's type (int or str)."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        self.build = build
        self.kinds = kinds
        self._compiled = weakref.WeakKeyDictionary()

    def compile(self, connection):
        markers = [MARKERS[kind] for kind in self.kinds]
        queryset = self.build(*markers)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        params = list(params)
        places = []
        for marker in markers:
            found = [index for index, param in enumerate(params) if param == marker]
            if len(found) != 1:
                raise ValueError(f"each value must be used once in the query: {sql}")
            places += found
        compiled = (compiler, sql, params, places, queryset.model)
        self._compiled[connection] = compiled
        return compiled

    def _run(self, values, using):
        connection = connections[using]
        compiled = self._compiled.get(connection) or self.compile(connection)
        compiler, sql, params, places, model = compiled
        params = list(params)
        for place, value in zip(places, values, strict=True):
            params[place] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return compiler, model, list(compiler.results_iter(results=[rows], tuple_expected=True))

    def rows(self, *values, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
        """The rows of a `values_list` query."""
        return self._run(values, using)[2]

    def first(self, *values, using: str = DEFAULT_DB_ALIAS) -> Model | None:
        """The first instance a model query finds, or None."""
        compiler, model, rows = self._run(values, using)
        if not rows:
            return None
        names = [column.target.attname for column, _, _ in compiler.select]
        return model.from_db(using, names, rows[0])
