"""The roster as a spreadsheet (CSV) for governors and inspectors: a line a person and policy."""

from __future__ import annotations

import csv
import io
from datetime import date

from elearn.clock import school_date
from elearn.compliance.api import MemberStatuses
from elearn.security import csv_safe

ROSTER_COLUMNS = (
    "Name",
    "Email",
    "Role",
    "Start date",
    "Policy",
    "Status",
    "Due date",
    "Last signed",
    "Version signed",
    "Score (%)",
    "Certificate code",
)


def roster_csv(rows: list[MemberStatuses], as_of: date) -> str:
    """One line for each person and each policy that applies to them, status as on `as_of`;
    every text cell safe from formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"Training status on {as_of.isoformat()}"])
    writer.writerow(ROSTER_COLUMNS)
    for row in rows:
        member = row.member
        for item in row.policies:
            latest = item.latest
            writer.writerow(
                csv_safe(cell)
                for cell in (
                    member.name,
                    member.email,
                    member.category.label,
                    member.starts_on.isoformat(),
                    item.policy.title,
                    item.status.kind.value.replace("_", " "),
                    item.status.due_on.isoformat() if item.status.due_on else "",
                    school_date(latest.signed_at).isoformat() if latest else "",
                    latest.version_label if latest else "",
                    latest.score_percent if latest and latest.score_percent is not None else "",
                    latest.certificate_code if latest else "",
                )
            )
    return out.getvalue()
