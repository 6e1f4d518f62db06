"""Security: two-step sign-in, recovery codes, failure kinds and the audit log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

import elearn.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

EVENTS = (
    'sign_in', 'sign_in_failed', 'sign_out', 'password_changed', 'two_step_enabled',
    'two_step_disabled', 'recovery_code_used', 'recovery_codes_renewed',
    'two_step_requirement_changed', 'staff_added', 'setup_link_issued', 'role_changed', 'export',
    'version_published', 'certificate_downloaded',
)


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.Enum(*EVENTS, name='event', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('subject', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('occurred_at', elearn.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_members.id'], name=op.f('fk_audit_events_actor_id_staff_members')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_audit_events_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_school_id'), ['school_id'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', elearn.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['staff_members.id'], name=op.f('fk_recovery_codes_member_id_staff_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_codes_code_hash'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_two_step', sa.Boolean(), server_default=sa.false(), nullable=False))

    # Every failure recorded before this migration was a wrong password.
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('password', 'code', name='failure_kind', native_enum=False, create_constraint=True, length=32), server_default='password', nullable=False))

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('two_step_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('two_step_enabled_at', elearn.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('two_step_last_step', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_column('two_step_last_step')
        batch_op.drop_column('two_step_enabled_at')
        batch_op.drop_column('two_step_secret')

    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_sign_in_failures_failure_kind'), type_='check')
        batch_op.drop_column('kind')

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('requires_two_step')

    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_member_id'))

    op.drop_table('recovery_codes')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_school_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
