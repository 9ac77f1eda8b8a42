"""Bulk writes with PostgreSQL COPY (psycopg 3, binary): new rows straight into a table, changed
rows through a temporary table and one UPDATE. Like bulk_create, no model signals are sent: the
registry import writes its own audit rows (registry/importing/audit.py); the generators of demo and
benchmark data write none."""

from collections.abc import Iterable
from operator import itemgetter

from django.db import connection
from psycopg.adapt import Dumper
from psycopg.pq import Format

_TEMP = "bulk_update_rows"


def _column_types(table: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        return dict(cursor.fetchall())


class CopyTable:
    """COPY into ``model``'s table: the given columns, then every other column with its field's
    default (so a field added later with a default needs no change here); the primary key is left
    to its identity column unless given."""

    def __init__(self, model, columns: tuple[str, ...]):
        fields = {f.column: f for f in model._meta.concrete_fields if not f.generated}  # PostgreSQL computes those
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise RuntimeError(f"{model.__name__} has no column(s) {unknown}")
        extra = [f for name, f in fields.items() if name not in columns and not f.primary_key]
        self.constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        names = (*columns, *(f.column for f in extra))
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        types = _column_types(table)
        self.types = [types[name] for name in names]
        self.sql = f"COPY {table} ({', '.join(quote(n) for n in names)}) FROM STDIN (FORMAT BINARY)"

    def write(self, rows: Iterable[tuple], *, json_as_text: bool = False) -> None:
        """``json_as_text``: the values of json(b) columns are JSON already encoded (bytes)."""
        constants = self.constants
        # Errors as Django's (IntegrityError…), as for queries through the ORM.
        with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(self.sql) as copy:
            if json_as_text:
                copy.cursor.adapters.register_dumper(None, _JsonbText)
            copy.set_types(self.types)
            write = copy.write_row
            for row in rows:
                write(row + constants if constants else row)


class DictCopyTable(CopyTable):
    """A :class:`CopyTable` fed with dict rows (the generators'), each holding at least ``columns``."""

    def __init__(self, model, columns: tuple[str, ...]):
        super().__init__(model, columns)
        self.getter = itemgetter(*columns)

    def write(self, rows: list[dict]) -> None:
        if rows:
            super().write(map(self.getter, rows))


class _JsonbText(Dumper):
    """JSON encoded already, into a jsonb column of a binary COPY."""

    format = Format.BINARY
    oid = 3802  # jsonb

    def dump(self, obj: bytes) -> bytes:
        return b"\x01" + obj  # jsonb's binary format: version 1, then the text


def copy_rows(model, columns: tuple[str, ...], rows: Iterable[tuple], *, json_as_text: bool = False) -> None:
    """COPY the rows (a list, or a generator: then Python makes the next rows while PostgreSQL
    stores the ones already sent)."""
    if isinstance(rows, list) and not rows:
        return
    CopyTable(model, columns).write(rows, json_as_text=json_as_text)


def update_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Set ``columns[1:]`` of the rows whose id is ``columns[0]`` (and the next version of a versioned
    model's rows): COPY into a temporary table, then one UPDATE … FROM."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    types = _column_types(table)
    with connection.wrap_database_errors, connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_TEMP}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_TEMP} ON COMMIT DROP AS SELECT {', '.join(quote(c) for c in columns)} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY {_TEMP} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([types[c] for c in columns])
            for row in rows:
                copy.write_row(row)
        key, *rest = columns
        assignments = ", ".join(f"{quote(c)} = u.{quote(c)}" for c in rest)
        if "version" not in columns and any(f.name == "version" for f in model._meta.concrete_fields):
            # A versioned record changed in bulk takes its next version, as a form's save does: an
            # edit loaded before the import cannot overwrite what the import wrote (onegate.versioning).
            assignments += ", version = t.version + 1"
        cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {_TEMP} AS u WHERE t.{quote(key)} = u.{quote(key)}")
        cursor.execute(f"DROP TABLE {_TEMP}")


def array_of(values: list) -> tuple[str, str]:
    """Many values as one query parameter, for ``= ANY(…)``: (the SQL to put there, the parameter).
    Sent as one comma-separated text: psycopg's adaptation of a list of 100,000 values costs more
    than the query. For ids, NIKs and KK numbers only (no commas)."""
    array_type = "bigint[]" if values and isinstance(values[0], int) else "text[]"
    return f"string_to_array(%s, ',')::{array_type}", ",".join(map(str, values))


def allocate_ids(model, n: int) -> list[int]:
    """n primary keys from the table's sequence, so that rows can point at each other before COPY."""
    if not n:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [connection.ops.quote_name(model._meta.db_table)])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [sequence, n])
        return cursor.fetchone()[0]


def lock_rows(model, ids: list[int], version: str) -> list[tuple[int, str]]:
    """(id, version) of these rows, locked until the end of the transaction; ``version``: the SQL
    for it (planning.version_of)."""
    table = connection.ops.quote_name(model._meta.db_table)
    array, param = array_of(ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {version} FROM {table} WHERE id = ANY({array}) FOR UPDATE", [param])
        return cursor.fetchall()
