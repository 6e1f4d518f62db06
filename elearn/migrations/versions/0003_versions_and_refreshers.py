"""Versions, refreshers and training rules

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

import elearn.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('policy_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('policy_yaml', sa.Text(), nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_members.id'], name=op.f('fk_policy_drafts_created_by_id_staff_members')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_policy_drafts_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_drafts'))
    )
    with op.batch_alter_table('policy_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_drafts_school_id'), ['school_id'], unique=False)

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('check', 'assessment', name='attempt_kind', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='assessment'))

    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_kind', sa.Enum('initial', 'minor', 'reconfirm_now', 'at_refresher', name='change_kind', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='initial'))
        batch_op.add_column(sa.Column('reconfirm_by', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('changed_clause_ids', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_policy_versions_school_id_label'), ['school_id', 'label'])
        batch_op.create_foreign_key(batch_op.f('fk_policy_versions_published_by_id_staff_members'), 'staff_members', ['published_by_id'], ['id'])

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('validity_months', sa.Integer(), nullable=False, server_default='12'))
        batch_op.add_column(sa.Column('due_soon_days', sa.Integer(), nullable=False, server_default='30'))
        batch_op.add_column(sa.Column('induction_days', sa.Integer(), nullable=False, server_default='20'))
        batch_op.add_column(sa.Column('renewal_month', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('renewal_day', sa.Integer(), nullable=True))

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused_until', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_column('paused_until')

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('renewal_day')
        batch_op.drop_column('renewal_month')
        batch_op.drop_column('induction_days')
        batch_op.drop_column('due_soon_days')
        batch_op.drop_column('validity_months')

    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_policy_versions_published_by_id_staff_members'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_policy_versions_school_id_label'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_policy_versions_change_kind'), type_='check')
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('changed_clause_ids')
        batch_op.drop_column('reconfirm_by')
        batch_op.drop_column('change_kind')

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attempts_attempt_kind'), type_='check')
        batch_op.drop_column('kind')

    with op.batch_alter_table('policy_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_drafts_school_id'))

    op.drop_table('policy_drafts')
