"""Who uses the app: the school, its staff, set-up links, recovery codes and failed sign-ins."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.db import Base, UTCDateTime
from elearn.tenancy import SchoolScoped


class Role(enum.StrEnum):
    STAFF = "staff"
    HEADTEACHER = "headteacher"
    TRUST_ADMIN = "trust_admin"  # adds schools, sees them all, acts as headteacher in any

    @property
    def label(self) -> str:
        return {
            "staff": "Staff",
            "headteacher": "Headteacher",
            "trust_admin": "Trust administrator",
        }[self.value]


class Category(enum.StrEnum):
    """Who the policy applies to (policy 1.2.1)."""

    TEACHER = "teacher"
    SUPPORT_STAFF = "support_staff"
    SUPPLY_STAFF = "supply_staff"
    GOVERNOR = "governor"
    CONTRACTOR = "contractor"
    VOLUNTEER = "volunteer"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


def enum_column(enum_class: type[enum.StrEnum], name: str) -> sa.Enum:
    """Store a StrEnum as its value in a plain string column with a CHECK constraint."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class School(Base):
    """A school in the instance: several can share one (a trust), each with its own staff."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Made by `elearn demo`: sample people, never a real school's.
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The training rules a new policy starts with (see elearn.status); each policy then has its
    # own, set on the console.
    validity_months: Mapped[int] = mapped_column(default=12, server_default="12")
    due_soon_days: Mapped[int] = mapped_column(default=30, server_default="30")
    induction_days: Mapped[int] = mapped_column(default=20, server_default="20")
    renewal_month: Mapped[int | None]
    renewal_day: Mapped[int | None]
    # When on, a headteacher without two-step sign-in must set it up before anything else.
    requires_two_step: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class StaffMember(SchoolScoped, Base):
    """Anyone who signs in: staff of every category, the headteacher, a trust administrator.

    An email address signs in once in the whole instance, whichever school it belongs to.
    """

    __tablename__ = "staff_members"
    # Rows of a member's training name their school too; this lets a foreign key hold the pair.
    __table_args__ = (sa.UniqueConstraint("id", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    category: Mapped[Category] = mapped_column(enum_column(Category, "category"))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # Part of the Flask-Login id: changing it ends every session signed in with the old one.
    session_token: Mapped[str] = mapped_column(sa.String(64))
    is_archived: Mapped[bool] = mapped_column(default=False)
    # Already in post when added (an existing member of staff, not a new starter): a policy
    # they have never signed is due by its rollout deadline, not by start date + induction days.
    is_existing_staff: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    paused_until: Mapped[date | None] = mapped_column(sa.Date)  # on long leave until this date
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Two-step sign-in: the secret is kept from the start of set-up (two_step_setup_at) but only
    # counts once a code confirms it (two_step_enabled_at), which must come soon after. The last
    # accepted time step stops a code working twice.
    two_step_secret: Mapped[str | None] = mapped_column(sa.String(64))
    two_step_setup_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # secret made
    two_step_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    two_step_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    school: Mapped[School] = relationship(lazy="raise")

    # Flask-Login's user interface, written out rather than mixed in.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return not self.is_archived and self.password_hash is not None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_headteacher(self) -> bool:
        return self.role is Role.HEADTEACHER

    @property
    def is_trust_admin(self) -> bool:
        return self.role is Role.TRUST_ADMIN

    @property
    def has_two_step(self) -> bool:
        return self.two_step_enabled_at is not None and self.two_step_secret is not None


class SetupLink(Base):
    """A one-time, expiring link a new member of staff uses to choose their password."""

    __tablename__ = "setup_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_members.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[StaffMember] = relationship(lazy="raise")


class RecoveryCode(Base):
    """A one-time code for two-step sign-in when the phone is not to hand. Only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_members.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FailureKind(enum.StrEnum):
    PASSWORD = "password"  # noqa: S105 - the kind of failure, not a password
    CODE = "code"  # a wrong two-step code after a right password


class SignInFailure(Base):
    """One failed sign-in, kept in the database so throttling holds across server processes."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    kind: Mapped[FailureKind] = mapped_column(
        enum_column(FailureKind, "failure_kind"),
        default=FailureKind.PASSWORD,
        server_default=FailureKind.PASSWORD.value,
    )
