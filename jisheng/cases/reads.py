"""Several reads keyed by one id, compiled once per process and sent to the database in one round trip.

A page that shows one record with many child tables (the case page: clocks, materials, documents, steps,
records, reviews, history) reads each table with a query that differs from one record to the next only by the
record's id. Building and compiling such a query through the ORM costs more than running it, and each query is
a round trip that waits for the database process to be scheduled; on a loaded machine the two together cost far
more than the rows. :class:`OneIdReads` compiles each query once per process and database (with a placeholder id)
and then, on PostgreSQL, sends all of them as one multi-statement string (the psycopg client-side binding Django
uses composes the id in, and psycopg returns one result set per statement); elsewhere (SQLite) it runs the
compiled statements one after the other. Rows become model instances exactly as the ORM makes them
(``Model.from_db`` with the fields' database converters), so callers see ordinary model instances.

Only plain querysets qualify: one model, no ``select_related``, no annotations, no ``values()``, and the id as
their only parameter (checked when the query is compiled: :class:`ValueError` otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet

#: The id the queries are compiled with; every parameter of a compiled query must be it.
_PLACEHOLDER = -7_301_924_615


@dataclass(frozen=True)
class _Compiled:
    model: type[Model]
    sql: str
    params: int
    init_list: list[str]
    columns: slice
    query: Any
    select: list[Any]


class OneIdReads:
    """Named querysets of one id, read together: ``OneIdReads(clocks=lambda pk: CaseClock.objects.filter(
    case_id=pk).order_by("start", "id"), ...).read(case.pk)`` returns ``{"clocks": [CaseClock, ...], ...}`` in the
    querysets' own order, in one round trip on PostgreSQL and with no ORM compilation after the first call.

    The builders are called once per process and database alias, with a placeholder id.
    """

    def __init__(self, **builders: Callable[[int], QuerySet[Any]]) -> None:
        self._builders = builders
        self._compiled: dict[str, dict[str, _Compiled]] = {}

    def _compile(self, using: str) -> dict[str, _Compiled]:
        found = self._compiled.get(using)
        if found is not None:
            return found
        compiled = {}
        for name, build in self._builders.items():
            qs = build(_PLACEHOLDER)
            compiler = qs.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            klass_info = compiler.klass_info
            if (qs._iterable_class.__name__ != "ModelIterable" or compiler.annotation_col_map
                    or klass_info is None or klass_info.get("related_klass_infos")
                    or any(p != _PLACEHOLDER for p in params)):
                raise ValueError(f"{name}: only a plain queryset whose one parameter is the id can be read here")
            columns = slice(klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1)
            compiled[name] = _Compiled(model=qs.model, sql=sql, params=len(params), columns=columns,
                                       init_list=[f[0].target.attname for f in compiler.select[columns]],
                                       query=qs.query, select=[s[0] for s in compiler.select])
        self._compiled[using] = compiled
        return compiled

    def read(self, pk: int, *, using: str = "default") -> dict[str, list[Any]]:
        """The rows of every named queryset for ``pk``: ``{name: [instances]}`` (one query on PostgreSQL)."""
        compiled = self._compile(using)
        connection = connections[using]
        results: list[list[Any]] = []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and len(compiled) > 1:
                ops: Any = connection.ops  # PostgreSQL's operations compose parameters into SQL text
                cursor.execute(";\n".join(ops.compose_sql(c.sql, [pk] * c.params) for c in compiled.values()))
                for i in range(len(compiled)):
                    if i and not cursor.nextset():
                        raise RuntimeError("the database answered fewer result sets than statements sent")
                    results.append(cursor.fetchall())
            else:
                for c in compiled.values():
                    cursor.execute(c.sql, [pk] * c.params)
                    results.append(cursor.fetchall())
        out = {}
        for (name, c), rows in zip(compiled.items(), results, strict=True):
            # the fields' database converters (JSON, dates on SQLite…), from a compiler on this thread's connection
            compiler = c.query.get_compiler(using=using)
            converters = compiler.get_converters(c.select)
            converted = compiler.apply_converters(rows, converters) if converters else rows
            out[name] = [c.model.from_db(using, c.init_list, row[c.columns]) for row in converted]
        return out
