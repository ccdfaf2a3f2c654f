"""Staff from a spreadsheet (bulk enrolment): each row creates, updates or leaves a person, named by employee code.

A row whose code nobody holds creates the person (record, code claim and audit entry in one transaction); a
row whose code a person in the caller's scope holds updates that person's name, unit and e-mail where they
differ, or leaves them unchanged. So posting the same file again changes nothing, and a retry after a cut-off
request finishes the rows the first one did not reach without doubling any. A problem in a row refuses that row
only, with a code and a message; only a file that cannot be read at all is refused as a whole (400).
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.transactions import TransactWrite

from chamcong.access import Access, Target
from chamcong.container import Container
from chamcong.errors import BadRequest, DomainError
from chamcong.messages import message_for
from chamcong.rules.staff_sheet import (
    HeaderMissing,
    RowRefusal,
    SheetRow,
    find_header,
    parse_rows,
    unit_name_key,
)
from chamcong.schemas.staff import DEFAULT_DUTY_GROUP, MAX_IMPORT_FILE_BYTES, MAX_IMPORT_ROWS, ImportStaff
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import new_id
from chamcong.services.staff import Change, duty_group_of, not_employed_yet, staff_condition
from chamcong.services.transfers import plan_transfer
from chamcong.store.models.audit import AuditModel
from chamcong.store.models.base import lost_condition
from chamcong.store.models.staff import EmployeeCodeClaim, StaffModel
from chamcong.store.models.units import UnitModel

Cells = Sequence[Any]
MAX_COLUMNS = 30  # columns read per row: the four we know, wherever they are among a sheet's others
MAX_SHEET_ROWS = 4 * MAX_IMPORT_ROWS  # rows read at most, blank ones included
TRAILING_BLANK_ROWS = 1000  # this many blank rows in a row end the sheet (formatting left below the data)
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # a workbook's parts once unzipped (2,000 people take well under 2 MiB)


# --- reading the file ----------------------------------------------------------------------------------------

def decode_file(content_b64: str) -> bytes:
    if len(content_b64) > (MAX_IMPORT_FILE_BYTES + 2) // 3 * 4 + 4:
        raise BadRequest("import_too_large")
    try:
        data = base64.b64decode(content_b64, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("import_file_invalid") from None
    if len(data) > MAX_IMPORT_FILE_BYTES:
        raise BadRequest("import_too_large")
    return data


def read_table(filename: str, data: bytes) -> list[tuple[int, Cells]]:
    """The first sheet's rows as (spreadsheet row number, cells), blank rows kept so the numbers stay true."""
    kind = filename.lower().rsplit(".", 1)[-1]
    if kind == "xlsx":
        rows = _xlsx_rows(data)
    elif kind == "csv":
        rows = _csv_rows(data)
    else:
        raise BadRequest("import_file_invalid")
    table: list[tuple[int, Cells]] = []
    last_filled = 0
    try:
        for number, cells in rows:
            if any(cell not in (None, "") for cell in cells):
                last_filled = number
            elif number - last_filled >= TRAILING_BLANK_ROWS:
                break
            if number > MAX_SHEET_ROWS:
                raise BadRequest("import_too_large")
            table.append((number, cells))
    except BadRequest:
        raise
    except Exception as exc:  # anything a broken file makes the readers raise: the file is unreadable
        raise BadRequest("import_file_invalid") from exc
    return table


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, Cells]]:
    if not data.startswith(b"PK\x03\x04"):
        raise BadRequest("import_file_invalid")
    try:
        unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BadRequest("import_file_invalid") from None
    if unpacked > MAX_UNPACKED_BYTES:  # a small file that would unpack into more than a Lambda holds
        raise BadRequest("import_too_large")
    import openpyxl  # here, not at import: every cold start of the functions would pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken zip, or a zip that is not a workbook (openpyxl's own errors)
        raise BadRequest("import_file_invalid") from exc
    return _sheet_rows(book)


def _sheet_rows(book: Any) -> Iterator[tuple[int, Cells]]:
    try:
        if not book.worksheets:
            raise BadRequest("import_file_invalid")
        sheet = book.worksheets[0]
        yield from enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
    finally:
        book.close()


def _csv_rows(data: bytes) -> Iterator[tuple[int, Cells]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("import_file_invalid") from None
    if "\x00" in text:
        raise BadRequest("import_file_invalid")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # what Excel writes depends on the region settings
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        yield number, cells[:MAX_COLUMNS]


# --- the import ----------------------------------------------------------------------------------------------

class _Units:
    """The units a row may name: by id anywhere (to tell "not yours" from "no such unit"), by name in scope."""

    def __init__(self, access: Access) -> None:
        writable = access.visible_units("staff:write")  # None: every unit
        names = {unit.unit_id: unit.name for unit in UnitModel.scan(attributes_to_get=["unit_id", "name"])}
        self.all = set(names)
        self.writable = self.all if writable is None else self.all & writable
        self.by_name: dict[str, list[str]] = {}
        for unit_id in sorted(self.writable):
            self.by_name.setdefault(unit_name_key(names[unit_id]), []).append(unit_id)

    def resolve(self, written: str) -> tuple[str | None, str | None]:
        """(unit id, None) or (None, the refusal code)."""
        if written in self.all:
            return (written, None) if written in self.writable else (None, "import_unit_out_of_scope")
        found = self.by_name.get(unit_name_key(written), [])
        if len(found) > 1:
            return None, "import_unit_ambiguous"
        return (found[0], None) if found else (None, "import_unit_unknown")


def _holders(rows: list[SheetRow]) -> tuple[dict[str, EmployeeCodeClaim], dict[str, StaffModel]]:
    """The claims of the rows' codes (by upper-cased code) and the people holding them (by staff id)."""
    keys = sorted({EmployeeCodeClaim.claim_key(row.employee_code) for row in rows})
    claims = {claim.staff_id[len(EmployeeCodeClaim.PREFIX):]: claim
              for claim in EmployeeCodeClaim.batch_get(keys, consistent_read=True)}
    owners = sorted({claim.owner for claim in claims.values()})
    people = {person.staff_id: person for person in StaffModel.batch_get(owners, consistent_read=True)}
    return claims, people


def import_staff(container: Container, access: Access, body: ImportStaff, source: Source,
                 lang: str) -> dict[str, Any]:
    table = read_table(body.filename, decode_file(body.content_b64))
    try:
        header = find_header(table)
    except HeaderMissing:
        raise BadRequest("import_columns_missing") from None
    parsed = parse_rows(table, header)
    if len(parsed) > MAX_IMPORT_ROWS:
        raise BadRequest("import_too_large")
    units = _Units(access)
    claims, people = _holders([row for row in parsed if isinstance(row, SheetRow)])
    importer = _Importer(container, access, source, claims, people)
    plans = [_refused(row.row, row.code, row.employee_code, row.full_name) if isinstance(row, RowRefusal)
             else importer.plan(row, units) for row in parsed]
    results = [plan if isinstance(plan, dict) else plan.result for plan in plans]
    if not body.dry_run:
        importer.write([plan for plan in plans if isinstance(plan, _Write)])
        results = [plan if isinstance(plan, dict) else plan.result for plan in plans]
    counts = {status: sum(1 for result in results if result["status"] == status)
              for status in ("created", "updated", "unchanged", "refused")}
    for result in results:
        if result["code"] is not None:
            result["message"] = message_for(result["code"], lang)
    return {"rows": results, **counts, "dry_run": body.dry_run}


def _result(row: SheetRow, status: str, staff_id: str | None) -> dict[str, Any]:
    return {"row": row.row, "employee_code": row.employee_code, "full_name": row.full_name, "status": status,
            "staff_id": staff_id, "code": None, "message": None}


def _refused(number: int, code: str, employee_code: str | None, full_name: str | None) -> dict[str, Any]:
    return {"row": number, "employee_code": employee_code, "full_name": full_name, "status": "refused",
            "staff_id": None, "code": code, "message": None}


@dataclass
class _Write:
    """A person to create or update: the row's answer if it lands, and the writes (with their audit entry)."""

    row: SheetRow
    unit_id: str
    staff_id: str
    result: dict[str, Any]
    changes: list[Change]
    alone: bool = False  # a move writes the units' moves records, which another mover may touch: one by one


# People written per transaction: each takes up to three of DynamoDB's 100 items (record, claim, audit entry).
PEOPLE_PER_TRANSACTION = 33


class _Importer:
    def __init__(self, container: Container, access: Access, source: Source,
                 claims: dict[str, EmployeeCodeClaim], people: dict[str, StaffModel]) -> None:
        self.container, self.access, self.source = container, access, source
        self.claims, self.people = claims, people

    def holder(self, row: SheetRow) -> StaffModel | None:
        claim = self.claims.get(row.code_key)
        return self.people.get(claim.owner) if claim is not None else None

    def plan(self, row: SheetRow, units: _Units) -> dict[str, Any] | _Write:
        """What the row will do: a final answer (refused, unchanged), or the writes that create or update."""
        unit_id, problem = units.resolve(row.unit)
        if unit_id is None:
            return _refused(row.row, problem or "import_unit_unknown", row.employee_code, row.full_name)
        holder = self.holder(row)
        return self.plan_create(row, unit_id) if holder is None else self.plan_update(row, holder, unit_id)

    def plan_create(self, row: SheetRow, unit_id: str) -> _Write:
        clock = self.container.clock()
        staff = StaffModel(new_id("stf"), unit_id=unit_id, full_name=row.full_name, email=row.email,
                           employee_code=row.employee_code, duty_group=row.duty_group or DEFAULT_DUTY_GROUP,
                           is_leader=bool(row.is_leader), created_at=clock)
        stale = self.claims.get(row.code_key)  # a claim whose person is gone may be taken over
        condition = (EmployeeCodeClaim.owner == stale.owner if stale is not None
                     else EmployeeCodeClaim.staff_id.does_not_exist())
        claim = EmployeeCodeClaim(EmployeeCodeClaim.claim_key(row.employee_code), owner=staff.staff_id)
        entry = audit.entry(clock, self.access.username, "staff.create", unit_id=unit_id, subject=staff.staff_id,
                            source=self.source, details={"employee_code": row.employee_code, "via": "import"})
        return _Write(row, unit_id, staff.staff_id, _result(row, "created", None), [
            ("save", staff, {"condition": StaffModel.staff_id.does_not_exist()}),
            ("save", claim, {"condition": condition}),
            ("save", entry, {"condition": AuditModel.entry_key.does_not_exist()})])

    def plan_update(self, row: SheetRow, person: StaffModel, unit_id: str) -> dict[str, Any] | _Write:
        if not self.access.allows("staff:write", Target(person.unit_id, person.staff_id)):
            return _refused(row.row, "import_staff_out_of_scope", row.employee_code, row.full_name)
        diff: dict[str, list[Any]] = {}
        actions: list[Any] = []
        if row.full_name != person.full_name:
            diff["full_name"] = [person.full_name, row.full_name]
            actions.append(StaffModel.full_name.set(row.full_name))
        condition = staff_condition(person)
        beside: list[Change] = []
        if unit_id != person.unit_id:
            diff["unit_id"] = [person.unit_id, unit_id]
            if not_employed_yet(self.container, person):
                actions.append(StaffModel.unit_id.set(unit_id))  # no day changes unit: put right, no transfer
            else:
                try:  # a transfer effective today, with its history and the units' moves records
                    planned = plan_transfer(self.container, self.access, person, unit_id, self.container.today(),
                                            None, self.source, via="import")
                except DomainError as refused:
                    return _refused(row.row, refused.code, row.employee_code, row.full_name)
                actions.extend(planned.actions)
                condition = condition & planned.condition
                beside = [*planned.beside, *planned.entry_saves()]
        if row.email is not None and row.email != person.email:
            diff["email"] = [person.email, row.email]
            actions.append(StaffModel.email.set(row.email))
        if row.duty_group is not None and row.duty_group != duty_group_of(person):
            diff["duty_group"] = [duty_group_of(person), row.duty_group]
            actions.append(StaffModel.duty_group.set(row.duty_group))
        if row.is_leader is not None and row.is_leader != bool(person.is_leader):
            diff["is_leader"] = [bool(person.is_leader), row.is_leader]
            actions.append(StaffModel.is_leader.set(row.is_leader))
        if not actions:
            return _result(row, "unchanged", person.staff_id)
        entry = audit.entry(self.container.clock(), self.access.username, "staff.update", unit_id=unit_id,
                            subject=person.staff_id, details={**diff, "via": "import"}, source=self.source)
        return _Write(row, unit_id, person.staff_id, _result(row, "updated", person.staff_id), [
            ("update", person, {"actions": actions, "condition": condition}),
            ("save", entry, {"condition": AuditModel.entry_key.does_not_exist()}), *beside], alone=bool(beside))

    def write(self, writes: list[_Write]) -> None:
        """Many people per transaction; a chunk that loses a condition (someone changed meanwhile) goes one by one."""
        for write in writes:
            if write.alone:
                self.write_one(write)
        writes = [write for write in writes if not write.alone]
        for first in range(0, len(writes), PEOPLE_PER_TRANSACTION):
            chunk = writes[first:first + PEOPLE_PER_TRANSACTION]
            if self.commit([change for write in chunk for change in write.changes]):
                for write in chunk:
                    self.landed(write)
            else:
                for write in chunk:
                    self.write_one(write)

    def commit(self, changes: list[Change]) -> bool:
        try:
            with TransactWrite(connection=self.container.dynamodb) as transaction:
                for kind, model, kwargs in changes:
                    getattr(transaction, kind)(model, **kwargs)
        except PynamoDBException as exc:
            if not lost_condition(exc):
                raise
            return False
        return True

    def landed(self, write: _Write) -> None:
        write.result["staff_id"] = write.staff_id

    def write_one(self, write: _Write) -> None:
        if self.commit(write.changes):
            self.landed(write)
            return
        row = write.row
        # Lost: the code was taken, or the person changed, since the file was read. Read again and retry once.
        claims, people = _holders([row])
        self.claims.update(claims)
        self.people.update(people)
        holder = self.holder(row)
        again = self.plan_update(row, holder, write.unit_id) if holder is not None else None
        if isinstance(again, _Write) and self.commit(again.changes):
            self.landed(again)
            write.result.update(again.result)
        elif isinstance(again, dict):
            write.result.update(again)  # unchanged after all (the same file, imported at the same time)
        else:
            write.result.update(_refused(row.row, "conflict", row.employee_code, row.full_name))
