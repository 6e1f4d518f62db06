"""What the console keeps between two requests: a staff list uploaded for review."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from elearn.db import Base, UTCDateTime
from elearn.tenancy import SchoolScoped


class StaffImport(SchoolScoped, Base):
    """A staff list uploaded or pasted, kept while the headteacher checks the preview. Nothing
    in it is applied until they confirm; confirming applies all of it or none."""

    __tablename__ = "staff_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_members.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source_name: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    archive_missing: Mapped[bool] = mapped_column(default=False)
