"""The roster as a spreadsheet (CSV) for governors and inspectors: a line a person and policy."""

from __future__ import annotations

import csv
import io

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


# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark: without one,
# "Nguyễn Thị Ánh" comes out garbled.
BYTE_ORDER_MARK = "\ufeff"


def roster_csv(rows: list[MemberStatuses]) -> str:
    """A header row, then one line for each person and each policy that applies to them; UTF-8
    with a byte-order mark, every text cell safe from formulas."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
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
