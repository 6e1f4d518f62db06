"""Staff in bulk: existing staff, rollout deadlines, staff lists for review

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

import elearn.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

EVENTS_0004 = (
    'sign_in', 'sign_in_failed', 'sign_out', 'password_changed', 'two_step_enabled',
    'two_step_disabled', 'recovery_code_used', 'recovery_codes_renewed',
    'two_step_requirement_changed', 'staff_added', 'setup_link_issued', 'role_changed', 'export',
    'version_published', 'certificate_downloaded', 'policy_added', 'policy_rules_changed',
    'policy_retired', 'policy_restored', 'school_added', 'acted_as_headteacher',
)
EVENTS_0006 = EVENTS_0004 + ('staff_changed', 'staff_imported', 'paper_declaration')


def _check(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    op.create_table('staff_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('archive_missing', sa.Boolean(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_members.id'], name=op.f('fk_staff_imports_created_by_id_staff_members')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_staff_imports_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_imports'))
    )
    with op.batch_alter_table('staff_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_imports_school_id'), ['school_id'], unique=False)

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_existing_staff', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rollout_by', sa.Date(), nullable=True))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_events_event'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_events_event'), _check('event', EVENTS_0006))


def downgrade() -> None:
    op.execute(
        "DELETE FROM audit_events WHERE event IN ('staff_changed', 'staff_imported', 'paper_declaration')"
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_events_event'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_events_event'), _check('event', EVENTS_0004))

    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.drop_column('rollout_by')

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_column('is_existing_staff')

    with op.batch_alter_table('staff_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_imports_school_id'))

    op.drop_table('staff_imports')
