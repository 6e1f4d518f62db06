"""The learning loop: practice answers, lessons revisited after a failed attempt, confidence

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

import elearn.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('practice_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=100), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('selected', sa.String(length=50), nullable=False),
    sa.Column('is_correct', sa.Boolean(), nullable=False),
    sa.Column('answered_at', elearn.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_practice_answers_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_practice_answers_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_answers')),
    sa.UniqueConstraint('enrolment_id', 'question_id', name=op.f('uq_practice_answers_enrolment_id_question_id'))
    )
    with op.batch_alter_table('practice_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_answers_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_answers_school_id'), ['school_id'], unique=False)

    op.create_table('lesson_revisits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=100), nullable=False),
    sa.Column('revisited_at', elearn.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_lesson_revisits_attempt_id_attempts')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_lesson_revisits_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_revisits')),
    sa.UniqueConstraint('attempt_id', 'lesson_id', name=op.f('uq_lesson_revisits_attempt_id_lesson_id'))
    )
    with op.batch_alter_table('lesson_revisits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_revisits_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_revisits_school_id'), ['school_id'], unique=False)

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_confident', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('is_confident')

    with op.batch_alter_table('lesson_revisits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_revisits_school_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_revisits_attempt_id'))

    op.drop_table('lesson_revisits')
    with op.batch_alter_table('practice_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_answers_school_id'))
        batch_op.drop_index(batch_op.f('ix_practice_answers_enrolment_id'))

    op.drop_table('practice_answers')
