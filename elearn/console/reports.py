"""The roster as a spreadsheet (CSV) for governors and inspectors."""

from __future__ import annotations

import csv
import io
from datetime import date

from elearn.clock import school_date
from elearn.security import csv_safe
from elearn.training.tracking import MemberStatus

ROSTER_COLUMNS = (
    "Name",
    "Email",
    "Role",
    "Start date",
    "Status",
    "Due date",
    "Last signed",
    "Version signed",
    "Score (%)",
    "Certificate code",
)


def roster_csv(rows: list[MemberStatus], as_of: date) -> str:
    """One line a member of staff, status as on `as_of`; every text cell safe from formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"Training status on {as_of.isoformat()}"])
    writer.writerow(ROSTER_COLUMNS)
    for row in rows:
        latest = row.latest
        writer.writerow(
            csv_safe(cell)
            for cell in (
                row.member.name,
                row.member.email,
                row.member.category.label,
                row.member.starts_on.isoformat(),
                row.status.kind.value.replace("_", " "),
                row.status.due_on.isoformat() if row.status.due_on else "",
                school_date(latest.signed_at).isoformat() if latest else "",
                latest.version_label if latest else "",
                latest.score_percent if latest else "",
                latest.certificate_code if latest else "",
            )
        )
    return out.getvalue()
