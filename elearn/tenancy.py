"""Every row that belongs to a school is read and written only within that school.

Models that belong to a school inherit `SchoolScoped` and carry `school_id`. Once a session is
scoped to a school (`scope_to_school`), every ORM statement it runs (selects, joins, relationship
loads, updates and deletes) gets `school_id = <that school>` for every scoped model it touches:
added here, once, rather than remembered at each call site. A flush refuses to write a scoped row
of another school. Work that must cross schools (signing in by email, checking a certificate by
its code, the trust's figures) says so with `unscoped(session)` or the statement option
`unscoped=True`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ForeignKey, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, with_loader_criteria

SCHOOL_KEY = "elearn.school_id"
ACTOR_KEY = "elearn.actor"
UNSCOPED = "unscoped"


class SchoolScoped:
    """A row that belongs to one school, named by `school_id`."""

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)


class CrossSchoolWrite(RuntimeError):
    """A bug: code tried to write a row of one school while working for another."""


def scope_to_school(session: Session, school_id: int | None, *, actor: object = None) -> None:
    """From now on, `session` sees and writes only `school_id`'s rows (None: no limit).

    `actor` is the signed-in account, whose own row stays writable wherever they work (a trust
    administrator acting at another school still signs out of their own account).
    """
    if school_id is None:
        session.info.pop(SCHOOL_KEY, None)
    else:
        session.info[SCHOOL_KEY] = school_id
    if actor is not None:
        session.info[ACTOR_KEY] = actor


def scoped_school_id(session: Session) -> int | None:
    school_id: int | None = session.info.get(SCHOOL_KEY)
    return school_id


@contextmanager
def unscoped(session: Session) -> Iterator[Session]:
    """Lift the school scope for the statements inside the block, then put it back."""
    previous = session.info.pop(SCHOOL_KEY, None)
    try:
        yield session
    finally:
        if previous is not None:
            session.info[SCHOOL_KEY] = previous


@contextmanager
def scoped_to(session: Session, school_id: int) -> Iterator[Session]:
    """Work within one school for the block (the trust's pages go through every school)."""
    previous = session.info.get(SCHOOL_KEY)
    session.info[SCHOOL_KEY] = school_id
    try:
        yield session
    finally:
        scope_to_school(session, previous)


@event.listens_for(Session, "do_orm_execute")
def _limit_to_the_school(state: ORMExecuteState) -> None:
    school_id = state.session.info.get(SCHOOL_KEY)
    if school_id is None or state.execution_options.get(UNSCOPED, False):
        return
    if state.is_column_load or not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            SchoolScoped,
            lambda cls: cls.school_id == school_id,
            include_aliases=True,
        )
    )


@event.listens_for(Session, "before_flush")
def _refuse_other_schools_rows(session: Session, _context: Any, _instances: Any) -> None:
    school_id = session.info.get(SCHOOL_KEY)
    if school_id is None:
        return
    actor = session.info.get(ACTOR_KEY)
    for row in (*session.new, *session.dirty):
        if row is actor:
            continue
        if isinstance(row, SchoolScoped) and row.school_id not in (school_id, None):
            raise CrossSchoolWrite(
                f"{type(row).__name__} of school {row.school_id} written while working for "
                f"school {school_id}"
            )
