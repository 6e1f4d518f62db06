"""Email: the log of emails sent, reminder settings and closed dates

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

import elearn.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('closed_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_closed_periods_ends_after_start')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_closed_periods_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closed_periods'))
    )
    with op.batch_alter_table('closed_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closed_periods_school_id'), ['school_id'], unique=False)

    op.create_table('reminder_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('is_on', sa.Boolean(), nullable=False),
    sa.Column('remind_days_before', sa.Integer(), nullable=False),
    sa.Column('overdue_every_days', sa.Integer(), nullable=False),
    sa.Column('escalate_after_days', sa.Integer(), nullable=False),
    sa.Column('digest_weekday', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_reminder_settings_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_settings')),
    sa.UniqueConstraint('school_id', name=op.f('uq_reminder_settings_school_id'))
    )
    with op.batch_alter_table('reminder_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_settings_school_id'), ['school_id'], unique=False)

    op.create_table('email_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.Enum('invitation', 'reminder', 'digest', 'escalation', name='email_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('about', sa.JSON(), nullable=False),
    sa.Column('run_on', sa.Date(), nullable=True),
    sa.Column('sent_at', elearn.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id', 'school_id'], ['staff_members.id', 'staff_members.school_id'], name=op.f('fk_email_messages_member_id_staff_members')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_email_messages_school_id_schools')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['staff_members.id'], name=op.f('fk_email_messages_sent_by_id_staff_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_messages')),
    sa.UniqueConstraint('member_id', 'kind', 'run_on', name=op.f('uq_email_messages_member_id_kind_run_on'))
    )
    with op.batch_alter_table('email_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_messages_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_messages_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_messages_sent_at'), ['sent_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('email_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_messages_sent_at'))
        batch_op.drop_index(batch_op.f('ix_email_messages_school_id'))
        batch_op.drop_index(batch_op.f('ix_email_messages_member_id'))

    op.drop_table('email_messages')
    with op.batch_alter_table('reminder_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_settings_school_id'))

    op.drop_table('reminder_settings')
    with op.batch_alter_table('closed_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closed_periods_school_id'))

    op.drop_table('closed_periods')
