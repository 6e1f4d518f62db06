"""Form fields shared by several areas."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField


class DayMonthYearField(DateField):
    """A date typed as day, month and year boxes (GOV.UK's date input), e.g. 1 9 2026.

    The widget expects exactly three values; a tampered or partial form could send any number,
    so anything else is treated as nothing entered rather than crashing the page.
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
