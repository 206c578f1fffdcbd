"""``helpnet import_hsds``: HSDS 3.1 files → our tables, validated, upserted by id, all or nothing.

How a file becomes rows: ``readers`` yields records (a nested service, organization, … or one tabular row);
``flatten`` turns a nested record into one row per HSDS object, the foreign keys implied by the nesting
filled in. Each row is checked against the rules of the HSDS schema (types, formats, enums, required fields,
read once from ``schemas/compiled/service_with_definitions.json``) and of our models (lengths, ranges,
choices, foreign keys that must exist in the file or the database). The rules run as plain Python: jsonschema
takes about 150 µs per service row, which alone would spend minutes on 100 000 services.

Upsert rules (documented for data stewards):
* a row is matched by its ``id``; an unchanged row is not written at all, so importing twice changes nothing;
* in JSON an object is the whole record: an HSDS field left out means blank. In CSV a missing column is left
  as it is. Parent links (``*_id``) and our extensions (translations, municipality, …) left out are kept;
* nothing is deleted: rows missing from the file stay;
* API pages are read too (``{"contents": [...]}``, e.g. the official ``service_list.json``): their items carry
  the one-to-one fields (plus ``organization`` and ``program``), so they update those and keep the children;
* links to a parent organization, a parent term or a taxonomy that are in neither the file nor the database
  are left empty with a warning (they often point into another publisher's data); every other unknown link
  is an error.

By default one bad record stops the whole import (nothing is written) and the report names every bad record;
with ``skip_invalid`` the good records are kept. Rows are written in batches with ``executemany``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import operator
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpnet.directory import indexing, schedules
from helpnet.directory import models as dm

from .readers import TABLE_ORDER, ImportFileError, LineProblem, Record, Source, read
from .rows import (
    AUTO_FIELDS,
    MODELS,
    SOFT_LINKS,
    Invalid,
    Row,
    TableRules,
    describe,
    flatten,
    join,
    municipalities,
    parse_value,
    table_rules,
    time_offset,
)

logger = logging.getLogger(__name__)

MAX_PROBLEMS = 10_000
CHUNK_RECORDS = 500
BIG_IMPORT = 500  # services: above this, rebuild the search index once instead of row by row

# --- The report -----------------------------------------------------------------------------------------


@dataclass
class Problem:
    where: str
    table: str
    id: str
    path: str
    message: str

    def __str__(self) -> str:
        what = f"{self.table} {self.id}".strip() if self.id else self.table
        parts = [self.where, what, self.path]
        return " · ".join(part for part in parts if part) + f": {self.message}"


@dataclass
class ImportReport:
    dry_run: bool = False
    skip_invalid: bool = False
    source: Source = field(default_factory=Source)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    records_read: int = 0
    records_rejected: int = 0
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    committed: bool = False
    services_refreshed: int = 0

    def error(self, problem: Problem) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_PROBLEMS:
            self.errors.append(problem)

    def warn(self, problem: Problem) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_PROBLEMS:
            self.warnings.append(problem)

    @property
    def failed(self) -> bool:
        """True when nothing was (or would be) imported because of errors."""
        if self.error_count and not self.skip_invalid:
            return True
        return self.records_read == self.records_rejected and self.error_count > 0

    def summary(self) -> str:
        changes = ", ".join(
            _("%(table)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged")
            % {
                "table": table,
                "created": self.created[table],
                "updated": self.updated[table],
                "unchanged": self.unchanged[table],
            }
            for table in TABLE_ORDER
            if self.created[table] or self.updated[table] or self.unchanged[table]
        )
        if self.failed:
            head = _("Nothing was imported: %(count)s problems in %(records)s of %(total)s records.") % {
                "count": self.error_count,
                "records": self.records_rejected,
                "total": self.records_read,
            }
            return head
        if self.dry_run:
            head = _("Dry run, nothing was written. %(total)s records read; this import would change:") % {
                "total": self.records_read
            }
        else:
            head = _("Imported %(total)s records:") % {"total": self.records_read - self.records_rejected}
        if self.records_rejected:
            head += " " + _("(%(count)s records skipped because of errors)") % {
                "count": self.records_rejected
            }
        return f"{head} {changes or _('no rows')}."


# --- The import ---------------------------------------------------------------------------------------


@dataclass
class Deferred:
    """A link to a row the file had not shown yet when its record was checked."""

    table: str
    row_id: uuid.UUID
    name: str
    target_table: str
    target: uuid.UUID
    where: str
    path: str
    soft: bool


@dataclass
class Seen:
    """What the file held so far: per table, id → (content fingerprint, links from nesting)."""

    rows: dict[str, dict[int, tuple[int, tuple[Any, ...]]]] = field(default_factory=lambda: defaultdict(dict))
    top: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    rejected: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    in_db: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))


class Importer:
    def __init__(
        self,
        *,
        dry_run: bool,
        skip_invalid: bool,
        progress: Callable[[str], None] | None,
        progress_every: int,
    ) -> None:
        self.report = ImportReport(dry_run=dry_run, skip_invalid=skip_invalid)
        self.seen = Seen()
        self.progress = progress
        self.progress_every = progress_every
        self.created: dict[str, set[int]] = defaultdict(set)
        self.updated: dict[str, set[int]] = defaultdict(set)
        self.deferred: list[Deferred] = []
        self.touched_services: set[uuid.UUID] = set()
        self.touched_locations: set[uuid.UUID] = set()
        self.now = timezone.now()
        self.record_errors = 0

    @property
    def writing(self) -> bool:
        return not self.report.dry_run and not (self.report.error_count and not self.report.skip_invalid)

    # -- records → checked rows

    def check_record(self, record: Record) -> list[Row]:
        """Parse every row of the record; returns the rows, adds problems to ``self.problems``."""
        rows = flatten(record)
        for row in rows:
            self.parse_row(row, record)
        return rows

    def problem(
        self, record: Record, row: Row | None, path: str, message: str, *, warning: bool = False
    ) -> None:
        table = row.table if row else record.table
        raw_id = row.data.get("id") if row else record.data.get("id")
        problem = Problem(
            where=record.where,
            table=table,
            id=str(raw_id)[:40] if isinstance(raw_id, str | int) else "",
            path=join(row.path, path) if row else path,
            message=message,
        )
        if warning:
            self.report.warn(problem)
        else:
            self.record_errors += 1
            self.report.error(problem)

    def parse_row(self, row: Row, record: Record) -> None:
        if "__not_object__" in row.data:
            self.problem(
                record,
                row,
                "",
                _("expected an object, found %(type)s") % {"type": describe(row.data["__not_object__"])},
            )
            return
        rules = table_rules(row.table)
        data = row.data
        for key, value in row.defaults.items():
            if data.get(key) in (None, "") and value is not None:
                data = {**data, key: value}
        data = {**data, **{k: v for k, v in row.implied.items() if v is not None}}
        row.data = data
        values: dict[str, Any] = {}
        invalid: set[str] = set()
        plain = rules.plain_text
        for name, raw in data.items():
            rule = rules.rules.get(name)
            if rule is None:
                continue  # extension fields we do not know: ignored (HSDS allows them)
            if name in plain and type(raw) is str and "\x00" not in raw:
                limit = plain[name]
                if limit is None or len(raw) <= limit:
                    values[name] = raw  # the common case, without the general parser
                    continue
            try:
                values[name] = parse_value(raw, rule, row.text)
            except Invalid as exc:
                self.problem(record, row, name, exc.message)
                invalid.add(name)
        if not row.text:
            # A JSON object is the whole record: HSDS fields left out are blank.
            values = {**rules.blanks, **values}
        for name in rules.required:
            if name in invalid:
                continue  # already reported
            if values.get(name) in (None, ""):
                self.problem(record, row, name, _("is required"))
        if row.table == "schedule" and values.get("timezone") is None:
            offset = time_offset(data.get("opens_at")) or time_offset(data.get("closes_at"))
            if offset is not None:
                values["timezone"] = offset
        if row.table == "service":
            low, high = values.get("minimum_age"), values.get("maximum_age")
            if low is not None and high is not None and low > high:
                self.problem(record, row, "minimum_age", _("the minimum age is above the maximum age"))
        if row.table == "closure":
            start, end = values.get("start_date"), values.get("end_date")
            if start and end and end < start:
                self.problem(record, row, "end_date", _("the last closed day is before the first"))
        row.values = values
        row.id = values.get("id") if isinstance(values.get("id"), uuid.UUID) else None

    def fingerprint(self, row: Row) -> int:
        if row.print is None:
            values = tuple(map(row.values.get, table_rules(row.table).data_fields))
            try:
                row.print = hash(values)
            except TypeError:
                row.print = hash(repr(values))
        return row.print

    def links(self, row: Row) -> tuple[Any, ...]:
        return tuple((k, row.values.get(k)) for k in row.implied) if row.implied else ()

    def check_duplicates(self, record: Record, rows: list[Row], own: dict[str, dict[int, Row]]) -> None:
        for row in rows:
            if row.id is None:
                continue
            key = row.id.int
            first = own[row.table].get(key)
            top = record.top and row.path == ""
            previous = self.seen.rows[row.table].get(key)
            if top and (key in self.seen.top[row.table] or (not record.nested and previous is not None)):
                self.problem(record, row, "id", _("this id appears more than once in the file"))
                continue
            if not record.nested and first is not None:
                self.problem(record, row, "id", _("this id appears more than once in the file"))
                continue
            fingerprint = self.fingerprint(row)
            links = self.links(row)
            earlier = previous or (
                (self.fingerprint(first), self.links(first)) if first is not None else None
            )
            if earlier is not None:
                if earlier[0] != fingerprint:
                    self.problem(
                        record, row, "", _("the same id appears elsewhere in the file with different content")
                    )
                    continue
                clash = {k for k, v in earlier[1] if dict(links).get(k, v) != v}
                if clash:
                    self.problem(
                        record,
                        row,
                        sorted(clash)[0],
                        _("the same object is nested under two different parents of one kind"),
                    )
                    continue
            if first is not None:
                first.values.update({k: v for k, v in row.values.items() if k in row.data})
            else:
                own[row.table][key] = row

    def run(self, records: Iterable[Record | LineProblem]) -> None:
        chunk: list[Record] = []
        count = 0
        for item in records:
            if isinstance(item, LineProblem):
                self.report.records_read += 1
                self.report.records_rejected += 1
                self.report.error(Problem(item.where, "", "", "", item.message))
                continue
            chunk.append(item)
            count += 1
            if len(chunk) >= CHUNK_RECORDS:
                self.process(chunk)
                chunk = []
            if self.progress and count % self.progress_every == 0:
                self.progress(
                    _("%(count)s records read, %(errors)s problems so far")
                    % {"count": count, "errors": self.report.error_count}
                )
        if chunk:
            self.process(chunk)
        self.finish_deferred()
        for table, ids in self.seen.rows.items():
            self.report.unchanged[table] = len(ids) - len(self.created[table]) - len(self.updated[table])

    def process(self, chunk: list[Record]) -> None:
        checked: list[tuple[Record, list[Row], int]] = []
        for record in chunk:
            self.record_errors = 0
            rows = self.check_record(record)
            checked.append((record, rows, self.record_errors))
        self.lookup_links(checked)
        accepted: list[Row] = []
        for record, rows, errors in checked:
            self.report.records_read += 1
            self.record_errors = errors
            own: dict[str, dict[int, Row]] = defaultdict(dict)
            if not self.record_errors:
                self.check_duplicates(record, rows, own)
            if not self.record_errors:
                self.check_links(record, rows, own)
            if self.record_errors:
                self.report.records_rejected += 1
                for row in rows:
                    if row.id is not None and row.id.int not in self.seen.rows[row.table]:
                        self.seen.rejected[row.table].add(row.id.int)
                continue
            for table, by_id in own.items():
                for key, row in by_id.items():
                    self.seen.rows[table].setdefault(key, (self.fingerprint(row), self.links(row)))
            for row in rows:
                if record.top and row.path == "" and row.id is not None:
                    self.seen.top[row.table].add(row.id.int)
            accepted.extend(row for by_id in own.values() for row in by_id.values())
        if accepted and (self.writing or self.report.dry_run):
            self.write(accepted)

    def lookup_links(self, checked: list[tuple[Record, list[Row], int]]) -> None:
        """Find in one query per table which linked ids (not in this chunk) the database already has."""
        in_chunk: dict[str, set[int]] = defaultdict(set)
        for _record, rows, _errors in checked:
            for row in rows:
                if row.id is not None:
                    in_chunk[row.table].add(row.id.int)
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for _record, rows, _errors in checked:
            for row in rows:
                rules = table_rules(row.table)
                for name in rules.link_fields:
                    target = row.values.get(name)
                    table = rules.rules[name].target
                    if isinstance(target, uuid.UUID) and table:
                        key = target.int
                        if not (
                            key in in_chunk[table]
                            or key in self.seen.rows[table]
                            or key in self.seen.in_db[table]
                        ):
                            wanted[table].add(target)
        for table, ids in wanted.items():
            self.seen.in_db[table].update(found.int for found in existing_ids(MODELS[table], ids))

    def check_links(self, record: Record, rows: list[Row], own: dict[str, dict[int, Row]]) -> None:
        """Links to rows not seen yet are checked at the end of the file: nested exports link forward."""
        for row in rows:
            rules = table_rules(row.table)
            for name in rules.link_fields:
                target = row.values.get(name)
                if not isinstance(target, uuid.UUID) or row.id is None:
                    continue
                target_table = rules.rules[name].target
                assert target_table is not None  # noqa: S101
                key = target.int
                if (
                    key in self.seen.rows[target_table]
                    or key in own[target_table]
                    or key in self.seen.in_db[target_table]
                ):
                    continue
                if key in self.seen.rejected[target_table]:
                    message = _("refers to %(table)s %(id)s, which has errors (see above)")
                    self.problem(record, row, name, message % {"table": target_table, "id": target})
                    continue
                soft = (row.table, name) in SOFT_LINKS
                if soft:
                    row.values[name] = None  # written once the target is known
                self.deferred.append(
                    Deferred(
                        row.table,
                        row.id,
                        name,
                        target_table,
                        target,
                        record.where,
                        join(row.path, name),
                        soft,
                    )
                )

    def finish_deferred(self) -> None:
        """Resolve the links to rows that came later in the file (or never came)."""
        missing: dict[str, set[int]] = defaultdict(set)
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for link in self.deferred:
            if link.target.int not in self.seen.rows[link.target_table]:
                wanted[link.target_table].add(link.target)
        for table, ids in wanted.items():
            found = {found.int for found in existing_ids(MODELS[table], ids)}
            missing[table] = {i.int for i in ids} - found
        rejected_records: set[str] = set()
        for link in self.deferred:
            if link.target.int not in missing[link.target_table]:
                if link.soft and self.writing:
                    attname = table_rules(link.table).rules[link.name].attname
                    MODELS[link.table]._default_manager.filter(pk=link.row_id).update(
                        **{attname: link.target}
                    )
                continue
            if link.soft:
                message = _(
                    "%(table)s %(id)s is in neither the file nor the database; the link was left empty"
                )
                self.report.warn(
                    Problem(
                        link.where,
                        link.table,
                        str(link.row_id),
                        link.path,
                        message % {"table": link.target_table, "id": link.target},
                    )
                )
                continue
            if link.target.int in self.seen.rejected[link.target_table]:
                message = _("refers to %(table)s %(id)s, which has errors (see above)")
            else:
                message = _("refers to %(table)s %(id)s, which is in neither the file nor the database")
            self.report.error(
                Problem(
                    link.where,
                    link.table,
                    str(link.row_id),
                    link.path,
                    message % {"table": link.target_table, "id": link.target},
                )
            )
            rejected_records.add(link.where)
            key = link.row_id.int
            was_created = key in self.created[link.table]
            self.seen.rows[link.table].pop(key, None)
            for outcome, counter in (
                (self.created, self.report.created),
                (self.updated, self.report.updated),
            ):
                if key in outcome[link.table]:
                    outcome[link.table].discard(key)
                    counter[link.table] -= 1
            if self.writing:
                # --skip-invalid: the row was written before its link could be checked; take it out again.
                rule = table_rules(link.table).rules[link.name]
                rows = MODELS[link.table]._default_manager.filter(pk=link.row_id)
                if was_created:
                    rows.delete()
                elif rule.nullable:
                    rows.update(**{rule.attname: None})
                else:
                    self.report.records_rejected = self.report.records_read  # cannot be undone: roll back all
        self.report.records_rejected += len(rejected_records)

    # -- writing

    def write(self, rows: list[Row]) -> None:
        by_table: dict[str, dict[uuid.UUID, Row]] = defaultdict(dict)
        for row in rows:
            assert row.id is not None  # noqa: S101
            existing = by_table[row.table].get(row.id)
            if existing is None:
                by_table[row.table][row.id] = row
            else:
                existing.values.update(row.values)
        for table in TABLE_ORDER:
            if table in by_table:
                self.write_table(table, by_table[table])

    def write_table(self, table: str, rows: dict[uuid.UUID, Row]) -> None:
        rules = table_rules(table)
        model = rules.model
        names = [name for name in rules.rules if name != "id"]
        attnames = [rules.rules[name].attname for name in names]
        current: dict[uuid.UUID, tuple[Any, ...]] = {}
        ids = existing_ids(model, rows)  # cheap; the full rows only for those that exist
        for start in range(0, len(ids), 900):
            for values in model._default_manager.filter(pk__in=ids[start : start + 900]).values_list(
                "pk", *attnames
            ):
                current[values[0]] = values[1:]
        inserts: list[dict[str, Any]] = []
        updates: dict[tuple[str, ...], list[tuple[uuid.UUID, dict[str, Any]]]] = defaultdict(list)
        for row_id, row in rows.items():
            key = row_id.int
            old = current.get(row_id)
            if old is None:
                if key in self.created[table] or key in self.updated[table]:
                    continue  # dry run: counted already
                self.created[table].add(key)
                self.report.created[table] += 1
                inserts.append(row.values)
                self.touch(table, row)
                continue
            before = dict(zip(names, old, strict=True))
            changed = {
                name: value
                for name, value in row.values.items()
                if name != "id"
                and name != "last_modified"
                and name in before
                and not same(before[name], value)
            }
            given = row.values.get("last_modified") if table == "service" else None
            if given and (changed or not same(before["last_modified"], given)):
                changed["last_modified"] = given
            if not changed:
                continue
            if key not in self.created[table] and key not in self.updated[table]:
                self.updated[table].add(key)
                self.report.updated[table] += 1
            self.touch(table, row)
            if table == "service" and "last_modified" not in changed:
                changed["last_modified"] = self.now
            if table == "organization":
                changed["updated_at"] = self.now
            updates[tuple(sorted(changed))].append((row_id, changed))
        if not self.writing or self.report.dry_run:
            return
        self.insert(table, rules, inserts)
        for columns, items in updates.items():
            self.update(table, rules, columns, items)

    def touch(self, table: str, row: Row) -> None:
        if table == "service" and row.id is not None:
            self.touched_services.add(row.id)
        elif table == "location" and row.id is not None:
            self.touched_locations.add(row.id)
        elif table == "attribute" and row.values.get("link_entity") == "service":
            link = row.values.get("link_id")
            if isinstance(link, uuid.UUID):
                self.touched_services.add(link)
        elif isinstance(row.values.get("service_id"), uuid.UUID):
            self.touched_services.add(row.values["service_id"])
        elif isinstance(row.values.get("location_id"), uuid.UUID):
            self.touched_locations.add(row.values["location_id"])

    def insert(self, table: str, rules: TableRules, inserts: list[dict[str, Any]]) -> None:
        if not inserts:
            return
        model = rules.model
        fields = list(model._meta.concrete_fields)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        by_attname = {rule.attname: name for name, rule in rules.rules.items()}
        # Per column: (HSDS name, converter, the value when the row has none); worked out once per batch.
        plan = []
        for model_field in fields:
            if model_field.attname in AUTO_FIELDS:
                empty = model_field.get_db_prep_save(self.now, connection)
            else:
                default = None if model_field.null else model_field.get_default()
                empty = model_field.get_db_prep_save(default, connection)
            plan.append((by_attname.get(model_field.attname), db_converter(model_field), empty))
        params = []
        for values in inserts:
            row_params = []
            for name, convert, empty in plan:
                value = values.get(name) if name is not None else None
                if value is None:
                    row_params.append(empty)
                else:
                    row_params.append(convert(value) if convert else value)
            params.append(row_params)
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def update(
        self,
        table: str,
        rules: TableRules,
        columns: tuple[str, ...],
        items: list[tuple[uuid.UUID, dict[str, Any]]],
    ) -> None:
        model = rules.model
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        fields = [by_attname[rules.rules[name].attname if name in rules.rules else name] for name in columns]
        assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
        pk = model._meta.pk
        assert pk is not None  # noqa: S101
        sql = (
            f"UPDATE {connection.ops.quote_name(model._meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {connection.ops.quote_name(pk.column)} = %s"
        )
        params = []
        for row_id, changed in items:
            row_params = []
            for name, model_field in zip(columns, fields, strict=True):
                value = changed[name]
                if value is None and not model_field.null:
                    value = model_field.get_default()
                row_params.append(model_field.get_db_prep_save(value, connection))
            row_params.append(pk.get_db_prep_save(row_id, connection))
            params.append(row_params)
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def changed_services(self) -> list[uuid.UUID]:
        if self.touched_locations:
            self.touched_services.update(
                dm.ServiceAtLocation.objects.filter(location_id__in=list(self.touched_locations)).values_list(
                    "service_id", flat=True
                )
            )
        return list(self.touched_services)

    def refresh(self, ids: list[uuid.UUID], *, index_each: bool) -> None:
        """Derived data of the changed services: occurrences from schedules, and the search index."""
        # 200: SQLite refuses the schedules prefetch for about a thousand services (expression tree depth).
        for start in range(0, len(ids), 200):
            services = list(dm.Service.objects.filter(pk__in=ids[start : start + 200]).order_by())
            schedules.prefetch_schedules(services)
            for service in services:
                with transaction.atomic():
                    schedules.refresh_occurrences(service)
                    if index_each:
                        indexing.index_service(service)
            self.report.services_refreshed += len(services)
            if self.progress and len(ids) > BIG_IMPORT:
                self.progress(
                    _("opening times of %(done)s of %(total)s services refreshed")
                    % {"done": self.report.services_refreshed, "total": len(ids)}
                )


def existing_ids(model: type[models.Model], ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """Which of ``ids`` the table has, by plain SQL: the ORM's lookup costs more than the query."""
    pk = model._meta.pk
    assert pk is not None  # noqa: S101
    convert = db_converter(pk)
    id_list = [convert(i) if convert else i for i in ids]
    found: list[uuid.UUID] = []
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(id_list), 900):
            batch = id_list[start : start + 900]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", batch)  # noqa: S608
            found.extend(v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)) for (v,) in cursor.fetchall())
    return found


def db_converter(model_field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How a parsed value goes to the database; None when it goes as it is (the common, fast case)."""
    target = model_field.target_field if isinstance(model_field, models.ForeignKey) else model_field
    if isinstance(target, models.CharField | models.TextField):
        return None
    if isinstance(target, models.UUIDField):
        return None if connection.features.has_native_uuid_field else operator.attrgetter("hex")
    if isinstance(target, models.BigAutoField | models.AutoField):
        return None
    return lambda value: model_field.get_db_prep_save(value, connection)


def same(old: Any, new: Any) -> bool:
    if old is None and new == "":
        return True
    if old == "" and new is None:
        return True
    if isinstance(old, dt.datetime) and isinstance(new, dt.datetime):
        # HSDS date-times carry milliseconds: a file cannot say more, so it does not differ below that.
        return abs((old - new).total_seconds()) < 0.001 and old.microsecond // 1000 == new.microsecond // 1000
    if isinstance(old, float) and isinstance(new, float):
        return math.isclose(old, new, rel_tol=0, abs_tol=1e-12)
    return bool(old == new)


def import_hsds(
    path: Path,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[str], None] | None = None,
    progress_every: int = 10_000,
    defer_derived: bool = False,
) -> ImportReport:
    """Import the HSDS file at ``path``; never raises for bad input, the report says what went wrong.

    Opening times (occurrences) and the search index of the changed services are refreshed in the import's
    transaction for small imports. A big import commits the data first and then refreshes them in chunks,
    the index rebuilt once; with ``defer_derived`` it leaves them to ``refresh_occurrences`` and ``reindex``.
    """
    importer = Importer(
        dry_run=dry_run, skip_invalid=skip_invalid, progress=progress, progress_every=progress_every
    )
    report = importer.report
    municipalities.cache_clear()
    changed: list[uuid.UUID] = []
    big = False
    try:
        with transaction.atomic():
            importer.run(read(Path(path), report.source))
            if report.failed or dry_run:
                transaction.set_rollback(True)
            else:
                changed = importer.changed_services()
                big = len(changed) > BIG_IMPORT
                if not big:
                    importer.refresh(changed, index_each=True)
                report.committed = True
    except ImportFileError as exc:
        report.error(Problem(exc.where or str(path), "", "", "", exc.message))
        report.records_rejected = report.records_read
        report.committed = False
    except DatabaseError as exc:
        report.error(
            Problem(
                str(path),
                "",
                "",
                "",
                _("The database refused the data: %(reason)s") % {"reason": str(exc)[:300]},
            )
        )
        report.records_rejected = report.records_read
        report.committed = False
    except Exception as exc:
        # A bug, not bad input: the import still ends with a report (nothing written), and the log has it.
        logger.exception("import_hsds failed")
        report.error(
            Problem(
                str(path),
                "",
                "",
                "",
                _("An unexpected error stopped the import: %(reason)s") % {"reason": exc},
            )
        )
        report.records_rejected = report.records_read
        report.committed = False
    if report.failed:
        report.committed = False
    if report.committed and big and not defer_derived:
        try:
            indexing.reindex_all()
            importer.refresh(changed, index_each=False)
        except Exception:
            logger.exception("import_hsds: refreshing derived data failed")
            defer_derived = True
    if report.committed and big and defer_derived:
        report.source.notes.append(
            _(
                "Opening times and the search index were not refreshed for %(count)s services: run "
                "helpnet refresh_occurrences and helpnet reindex."
            )
            % {"count": len(changed)}
        )
    return report
