"""Sign-in security: when two-step set-up started, and wrong passwords typed in a session

Two-step set-up now starts with the password and its secret expires, so the time it was made is
kept. A secret made before this revision has no such time and counts as expired: its owner
starts set-up again. Wrong passwords typed to confirm a change are a new kind of audit event.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

import elearn.db


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OLD_EVENTS = (
    'sign_in', 'sign_in_failed', 'sign_out', 'password_changed', 'two_step_enabled',
    'two_step_disabled', 'recovery_code_used', 'recovery_codes_renewed',
    'two_step_requirement_changed', 'staff_added', 'setup_link_issued', 'role_changed', 'export',
    'version_published', 'certificate_downloaded', 'policy_added', 'policy_rules_changed',
    'policy_retired', 'policy_restored', 'school_added', 'acted_as_headteacher',
    'staff_changed', 'staff_imported', 'paper_declaration',
)
NEW_EVENTS = OLD_EVENTS + ('password_check_failed',)


def _check(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    # A nullable column needs no copy of the table, on SQLite or PostgreSQL.
    op.add_column(
        'staff_members',
        sa.Column('two_step_setup_at', elearn.db.UTCDateTime(timezone=True), nullable=True),
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_events_event'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_events_event'), _check('event', NEW_EVENTS))


def downgrade() -> None:
    op.execute("DELETE FROM audit_events WHERE event = 'password_check_failed'")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_events_event'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_events_event'), _check('event', OLD_EVENTS))
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_column('two_step_setup_at')
