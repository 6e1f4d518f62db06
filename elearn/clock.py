"""The one source of "now": views pass clock.now() or clock.today() down to services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SCHOOL_TIMEZONE = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


def school_date(moment: datetime) -> date:
    """The calendar date in the school's time zone at `moment`."""
    return moment.astimezone(SCHOOL_TIMEZONE).date()


def long_date(value: date | datetime) -> str:
    """'1 September 2026', as UK readers write it; a datetime is shown as its school date."""
    day = school_date(value) if isinstance(value, datetime) else value
    return f"{day.day} {day:%B %Y}"


def school_time(moment: datetime) -> str:
    """'24 November 2026, 10:00': the date and clock time in the school's time zone."""
    local = moment.astimezone(SCHOOL_TIMEZONE)
    return f"{long_date(local.date())}, {local:%H:%M}"


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return school_date(self.now())


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs a time-zone-aware datetime")
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return school_date(self.moment)

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.moment = moment
