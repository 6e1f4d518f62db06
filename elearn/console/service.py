"""The roster: every member of staff with their status, in a fixed number of queries."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from elearn.accounts.models import School
from elearn.training.tracking import MemberStatus, school_statuses


def roster(session: Session, school: School, today: date) -> list[MemberStatus]:
    """Every current member of staff, their status on `today` and their latest declaration."""
    return school_statuses(session, school, today)
