"""Form fields shared by several areas."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField

# The years a start, return or deadline date can sensibly fall in. Far outside them, the status
# rules' date arithmetic would run past the calendar's last day (31 December 9999) and break
# every page that shows the member.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


class DayMonthYearField(DateField):
    """A date typed as day, month and year boxes (GOV.UK's date input), e.g. 1 9 2026.

    The widget expects exactly three values; a tampered or partial form could send any number,
    so anything else is treated as nothing entered rather than crashing the page. A year outside
    EARLIEST_YEAR to LATEST_YEAR is refused like a date that does not exist.
    """

    widget = GovDateInput()

    def __init__(self, label: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if len(valuelist) != 3:
            valuelist = ["", "", ""]
        self.raw_data = [str(value).strip()[:10] for value in valuelist]
        if not any(self.raw_data):
            self.data = None
            return
        super().process_formdata([" ".join(self.raw_data)])
        if self.data is not None and not EARLIEST_YEAR <= self.data.year <= LATEST_YEAR:
            self.data = None
            raise ValueError(f"Enter a year from {EARLIEST_YEAR} to {LATEST_YEAR}")
