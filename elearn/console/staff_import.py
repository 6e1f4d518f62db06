"""Staff in bulk: a list exported from the school's information system or a spreadsheet, read,
checked row by row, and applied all at once or not at all.

`read_rows` turns the file (UTF-8 with or without a byte-order mark, or Excel's Windows-1252; comma,
semicolon or tab separated, as a spreadsheet's copy and paste gives) into rows keyed by column,
matching columns by their header names. `plan` compares the rows with the school's staff and says,
row by row, what would be added, updated, left alone or rejected, and why; with a full export, who
would be archived. `apply` carries out a plan in the caller's transaction: the view commits once.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from elearn.accounts import api as accounts
from elearn.accounts.api import Category, Role, School, StaffMember
from elearn.console.models import StaffImport
from elearn.errors import DomainError, NotFound

MAX_ROWS = 5000
# Header names as schools' systems and spreadsheets write them, folded to lower-case letters.
COLUMNS = {
    "first_name": (
        "first name", "forename", "given name", "legal forename", "preferred forename", "firstname"
    ),
    "last_name": (
        "last name", "surname", "family name", "legal surname", "preferred surname", "lastname"
    ),
    "full_name": ("full name", "name", "staff name", "display name", "preferred name"),
    "email": ("email", "email address", "e mail", "e mail address", "work email", "school email"),
    "category": ("category", "role", "staff type", "type", "staff category", "post", "job role"),
    "starts_on": (
        "start date", "started", "date started", "employment start", "employment start date",
        "start",
    ),
    "existing": ("already in post", "existing staff", "in post", "existing"),
}  # fmt: skip
CATEGORY_WORDS = (
    (Category.SUPPLY_STAFF, ("supply",)),
    (Category.GOVERNOR, ("governor", "trustee")),
    (Category.CONTRACTOR, ("contractor", "agency", "peripatetic", "coach")),
    (Category.VOLUNTEER, ("volunteer", "student", "placement", "helper")),
    (
        Category.TEACHER,
        ("teacher", "teaching staff", "headteacher", "head", "deputy", "senco", "lead"),
    ),
    (
        Category.SUPPORT_STAFF,
        ("support", "assistant", "ta", "hlta", "admin", "office", "premises", "caretaker",
         "cleaner", "catering", "cook", "lunchtime", "midday", "business manager", "bursar",
         "technician", "librarian", "mentor"),
    ),
)  # fmt: skip
YES = frozenset({"yes", "y", "true", "1", "x"})
NO = frozenset({"no", "n", "false", "0", ""})
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")


def _sentence(parts: tuple[str, ...]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass(frozen=True)
class SourceRow:
    number: int  # the line of the file, header being line 1
    values: dict[str, str]  # by our column name


def decode(data: bytes) -> str:
    """UTF-8 (a byte-order mark allowed), or else Windows-1252 as Excel saves "CSV"."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_rows(text: str) -> list[SourceRow]:
    """The rows of a staff list, keyed by our column names. Raises `DomainError` for a list with
    no usable header row, no email column, or too many rows."""
    text = text.removeprefix("\ufeff").strip("\r\n")
    if not text.strip():
        raise DomainError("The list is empty.", field="document")
    if "\x00" in text:
        raise DomainError("That is not a text file: save the list as CSV.", field="document")
    first = text.splitlines()[0]
    delimiter = max("\t,;", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    found: dict[int, str] = {}
    for index, name in enumerate(header):
        folded = _fold(name)
        for column, names in COLUMNS.items():
            if folded in names and column not in found.values():
                found[index] = column
    if "email" not in found.values():
        raise DomainError(
            "The first line must name the columns, and one must be the email address (for "
            "example: First name, Last name, Email, Category, Start date).",
            field="document",
        )
    if not {"full_name", "first_name", "last_name"} & set(found.values()):
        raise DomainError(
            "The list needs the names: a Full name column, or First name and Last name.",
            field="document",
        )
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            SourceRow(
                number,
                {
                    column: cells[index].strip()
                    for index, column in found.items()
                    if index < len(cells)
                },
            )
        )
        if len(rows) > MAX_ROWS:
            raise DomainError(
                f"The list has more than {MAX_ROWS} people: split it.", field="document"
            )
    return rows


@dataclass(frozen=True)
class Person:
    """One row, checked: what the member of staff's record should say."""

    number: int
    name: str
    email: str
    category: Category
    starts_on: date
    is_existing_staff: bool


@dataclass(frozen=True)
class Rejected:
    number: int
    text: str  # what the row said, for the headteacher to find it
    reasons: tuple[str, ...]

    @property
    def described(self) -> str:
        return _sentence(self.reasons)


@dataclass(frozen=True)
class Update:
    person: Person
    member_id: int
    changes: tuple[str, ...]  # in words: "name", "role", "start date"...

    @property
    def described(self) -> str:
        return _sentence(self.changes)


@dataclass(frozen=True)
class Plan:
    """What confirming would do, row by row."""

    add: list[Person] = field(default_factory=list)
    update: list[Update] = field(default_factory=list)
    unchanged: list[Person] = field(default_factory=list)
    archive: list[StaffMember] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.add or self.update or self.archive)


def parse_date(text: str) -> date | None:
    text = " ".join(text.split())
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def category_of(text: str) -> Category | None:
    folded = _fold(text)
    for category in Category:
        if folded in (_fold(category.value), _fold(category.label)):
            return category
    words = set(folded.split())
    for category, hints in CATEGORY_WORDS:
        if any(hint in words or (" " in hint and hint in folded) for hint in hints):
            return category
    return None


def check_row(row: SourceRow, today: date) -> Person | Rejected:
    values = row.values
    reasons = []
    name = values.get("full_name") or " ".join(
        part for part in (values.get("first_name", ""), values.get("last_name", "")) if part
    )
    name = " ".join(name.split())
    if not name:
        reasons.append("no name")
    elif len(name) > 200:
        reasons.append("the name is longer than 200 characters")
    email = values.get("email", "").strip()
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        reasons.append(f"'{email}' is not an email address" if email else "no email address")
    category_text = values.get("category", "")
    category = category_of(category_text) if category_text else Category.TEACHER
    if category is None:
        known = ", ".join(c.label.lower() for c in Category)
        reasons.append(f"'{category_text}' is not a role we know ({known})")
    existing_text = values.get("existing", "").casefold()
    if existing_text not in YES | NO:
        reasons.append(f"'already in post' should be yes or no, not '{values['existing']}'")
    is_existing = existing_text in YES
    start_text = values.get("starts_on", "")
    starts_on = parse_date(start_text) if start_text else None
    if start_text and starts_on is None:
        reasons.append(f"'{start_text}' is not a date (write it like 01/09/2026)")
    elif starts_on is None and not is_existing:
        reasons.append("no start date (or say they are already in post)")
    elif starts_on is not None and not date(1900, 1, 1) <= starts_on <= today + timedelta(days=730):
        reasons.append(f"the start date {start_text} is too far off")
    if reasons:
        text = ", ".join(value for value in values.values() if value)[:200]
        return Rejected(row.number, text, tuple(reasons))
    return Person(
        row.number, name, email, category or Category.TEACHER, starts_on or today, is_existing
    )


def plan(
    session: Session, school: School, rows: list[SourceRow], today: date, *, archive_missing: bool
) -> Plan:
    """What confirming these rows would do, checking each against the school's staff and the
    whole instance's email addresses. Three queries, however long the list."""
    result = Plan()
    members = {
        member.email: member
        for member in session.scalars(select(StaffMember).where(StaffMember.school_id == school.id))
    }
    people = [check_row(row, today) for row in rows]
    wanted = [person.email for person in people if isinstance(person, Person)]
    taken_elsewhere = accounts.emails_taken(session, [e for e in wanted if e not in members])
    seen: dict[str, int] = {}
    for person in people:
        if isinstance(person, Rejected):
            result.rejected.append(person)
            continue
        if person.email in seen:
            result.rejected.append(
                Rejected(
                    person.number, person.email, (f"the same email as row {seen[person.email]}",)
                )
            )
            continue
        seen[person.email] = person.number
        if person.email in taken_elsewhere:
            result.rejected.append(
                Rejected(person.number, person.email, ("that email address is already taken",))
            )
            continue
        member = members.get(person.email)
        if member is None:
            result.add.append(person)
            continue
        changes = _changes(member, person)
        if changes:
            result.update.append(Update(person, member.id, changes))
        else:
            result.unchanged.append(person)
    if archive_missing:
        result.archive.extend(
            member
            for email, member in sorted(members.items())
            if email not in seen and not member.is_archived and member.role is Role.STAFF
        )
    return result


def _changes(member: StaffMember, person: Person) -> tuple[str, ...]:
    changes = []
    if member.name != person.name:
        changes.append("name")
    if member.category is not person.category:
        changes.append("role")
    if member.starts_on != person.starts_on:
        changes.append("start date")
    if member.is_existing_staff != person.is_existing_staff:
        changes.append("already in post")
    if member.is_archived:
        changes.append("back from the archive")
    return tuple(changes)


@dataclass(frozen=True)
class Applied:
    added: list[tuple[StaffMember, str]]  # with their set-up link tokens
    updated: int
    archived: int


def apply(
    session: Session,
    school: School,
    the_plan: Plan,
    *,
    actor: StaffMember | None,
    now: datetime,
    link_valid_for: timedelta,
) -> Applied:
    """Carry out a plan in the caller's transaction, which commits once: all or nothing."""
    if the_plan.rejected:
        raise DomainError(
            f"{len(the_plan.rejected)} rows have problems: correct them and upload the list again."
        )
    added = []
    for person in the_plan.add:
        member, token = accounts.add_staff_member(
            session,
            school,
            email=person.email,
            name=person.name,
            category=person.category,
            starts_on=person.starts_on,
            now=now,
            link_valid_for=link_valid_for,
        )
        member.is_existing_staff = person.is_existing_staff
        added.append((member, token))
    members = {
        member.id: member
        for member in session.scalars(
            select(StaffMember).where(
                StaffMember.id.in_([update.member_id for update in the_plan.update])
            )
        )
    }
    for update in the_plan.update:
        member = members[update.member_id]
        member.name = update.person.name
        member.category = update.person.category
        member.starts_on = update.person.starts_on
        member.is_existing_staff = update.person.is_existing_staff
        member.is_archived = False
    for member in the_plan.archive:
        accounts.archive_member(session, member, actor, now)
    session.flush()
    return Applied(added, len(the_plan.update), len(the_plan.archive))


# --- A list kept for review between the upload and the confirmation ---------------------------

KEEP_UPLOADS_FOR = timedelta(days=1)


def keep_for_review(
    session: Session,
    school: School,
    actor: StaffMember,
    *,
    text: str,
    source_name: str,
    archive_missing: bool,
    now: datetime,
) -> StaffImport:
    """Check that `text` reads as a staff list (raising `DomainError` if not) and keep it for the
    preview. Lists left unconfirmed for a day are cleared away."""
    read_rows(text)
    session.execute(
        delete(StaffImport).where(
            StaffImport.school_id == school.id, StaffImport.created_at < now - KEEP_UPLOADS_FOR
        )
    )
    kept = StaffImport(
        school_id=school.id,
        created_by_id=actor.id,
        created_at=now,
        source_name=source_name[:200],
        text=text,
        archive_missing=archive_missing,
    )
    session.add(kept)
    session.flush()
    return kept


def kept_list(session: Session, school: School, import_id: int) -> StaffImport:
    kept = session.get(StaffImport, import_id)
    if kept is None or kept.school_id != school.id:
        raise NotFound("That staff list has already been applied or has been cleared away.")
    return kept


def plan_kept(session: Session, school: School, kept: StaffImport, today: date) -> Plan:
    return plan(session, school, read_rows(kept.text), today, archive_missing=kept.archive_missing)


def confirm(
    session: Session,
    school: School,
    kept: StaffImport,
    *,
    actor: StaffMember,
    now: datetime,
    today: date,
    link_valid_for: timedelta,
) -> Applied:
    """Apply a kept list, planned afresh (the staff may have changed since the preview), and
    forget it, in the caller's transaction."""
    applied = apply(
        session,
        school,
        plan_kept(session, school, kept, today),
        actor=actor,
        now=now,
        link_valid_for=link_valid_for,
    )
    session.delete(kept)
    session.flush()
    return applied
