"""Several policies per school, several schools per instance

Every school's existing training becomes its Social Networking Policy: a `policies` row per school,
with the school's training rules, and every version, draft, enrolment, attempt, declaration and
certificate keyed by it and by the school, keeping its id, code and PDF. Rows of a member's
training name the member's school, held by foreign keys on (member, school) and (policy, school).

A member has at most one open enrolment per policy, and an enrolment at most one sitting of each
kind under way. Duplicates that a double click made before these constraints existed are settled
as the app already treated them: of two open enrolments the newest was the one in use, so the
older is closed at the moment it started; of two sittings under way the first was the one shown,
so a later one (never shown, never answered, holding no answers) is removed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

import elearn.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SLUG = 'social-networking'
TITLE = 'Social Networking Policy'
OLD_ROLES = ('staff', 'headteacher')
NEW_ROLES = ('staff', 'headteacher', 'trust_admin')
OLD_EVENTS = (
    'sign_in', 'sign_in_failed', 'sign_out', 'password_changed', 'two_step_enabled',
    'two_step_disabled', 'recovery_code_used', 'recovery_codes_renewed',
    'two_step_requirement_changed', 'staff_added', 'setup_link_issued', 'role_changed', 'export',
    'version_published', 'certificate_downloaded',
)
NEW_EVENTS = OLD_EVENTS + (
    'policy_added', 'policy_rules_changed', 'policy_retired', 'policy_restored', 'school_added',
    'acted_as_headteacher',
)


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _check(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    op.create_table('policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('mode', _enum(('learn', 'read'), 'policy_mode'), server_default='learn', nullable=False),
    sa.Column('audience', sa.JSON(), server_default='[]', nullable=False),
    sa.Column('validity_months', sa.Integer(), server_default='12', nullable=False),
    sa.Column('renewal_month', sa.Integer(), nullable=True),
    sa.Column('renewal_day', sa.Integer(), nullable=True),
    sa.Column('due_soon_days', sa.Integer(), server_default='30', nullable=False),
    sa.Column('induction_days', sa.Integer(), server_default='20', nullable=False),
    sa.Column('pass_mark', sa.Integer(), server_default='80', nullable=False),
    sa.Column('assessment_size', sa.Integer(), server_default='12', nullable=False),
    sa.Column('created_at', elearn.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', elearn.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_policies_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policies')),
    sa.UniqueConstraint('id', 'school_id', name=op.f('uq_policies_id_school_id')),
    sa.UniqueConstraint('school_id', 'slug', name=op.f('uq_policies_school_id_slug'))
    )
    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policies_school_id'), ['school_id'], unique=False)

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_demo', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_schools_name'), ['name'])

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_staff_members_id_school_id'), ['id', 'school_id'])
        batch_op.drop_constraint(batch_op.f('ck_staff_members_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_staff_members_role'), _check('role', NEW_ROLES))

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_events_event'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_events_event'), _check('event', NEW_EVENTS))

    # Each school's training so far is its Social Networking Policy, under the school's rules.
    op.execute(
        f"""
        INSERT INTO policies (school_id, slug, title, mode, audience, validity_months,
            renewal_month, renewal_day, due_soon_days, induction_days, pass_mark,
            assessment_size, created_at)
        SELECT schools.id, '{SLUG}',
            COALESCE((SELECT policy_versions.title FROM policy_versions
                      WHERE policy_versions.school_id = schools.id
                      ORDER BY policy_versions.published_at DESC, policy_versions.id DESC
                      LIMIT 1), '{TITLE}'),
            'learn', '[]', schools.validity_months, schools.renewal_month, schools.renewal_day,
            schools.due_soon_days, schools.induction_days, 80, 12, schools.created_at
        FROM schools
        """
    )
    policy_of_school = "(SELECT policies.id FROM policies WHERE policies.school_id = {} AND policies.slug = '" + SLUG + "')"

    for table in ('policy_versions', 'policy_drafts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('policy_id', sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET policy_id = {policy_of_school.format(table + '.school_id')}")

    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.alter_column('policy_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_policy_versions_school_id_content_hash'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_policy_versions_school_id_label'), type_='unique')
        batch_op.create_index(batch_op.f('ix_policy_versions_policy_id'), ['policy_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_policy_versions_policy_id_content_hash'), ['policy_id', 'content_hash'])
        batch_op.create_unique_constraint(batch_op.f('uq_policy_versions_policy_id_label'), ['policy_id', 'label'])
        batch_op.create_foreign_key(batch_op.f('fk_policy_versions_policy_id_policies'), 'policies', ['policy_id', 'school_id'], ['id', 'school_id'])

    with op.batch_alter_table('policy_drafts', schema=None) as batch_op:
        batch_op.alter_column('policy_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_policy_drafts_policy_id'), ['policy_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_policy_drafts_policy_id_policies'), 'policies', ['policy_id', 'school_id'], ['id', 'school_id'])

    # Enrolments: the member's school, and the policy of the version they began.
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('policy_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE enrolments SET "
        "school_id = (SELECT staff_members.school_id FROM staff_members WHERE staff_members.id = enrolments.member_id), "
        "policy_id = (SELECT policy_versions.policy_id FROM policy_versions WHERE policy_versions.id = enrolments.policy_version_id)"
    )
    # Of two open enrolments, the newest was the one in use: close the older at its start.
    op.execute(
        "UPDATE enrolments SET completed_at = started_at "
        "WHERE completed_at IS NULL AND EXISTS (SELECT 1 FROM enrolments AS newer "
        "WHERE newer.member_id = enrolments.member_id AND newer.policy_id = enrolments.policy_id "
        "AND newer.completed_at IS NULL AND newer.id > enrolments.id)"
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.alter_column('school_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('policy_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_enrolments_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_school_id'), ['school_id'], unique=False)
        batch_op.create_index('uq_enrolments_open', ['member_id', 'policy_id'], unique=True, sqlite_where=sa.text('completed_at IS NULL'), postgresql_where=sa.text('completed_at IS NULL'))
        batch_op.drop_constraint(batch_op.f('fk_enrolments_member_id_staff_members'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_enrolments_member_id_staff_members'), 'staff_members', ['member_id', 'school_id'], ['id', 'school_id'])
        batch_op.create_foreign_key(batch_op.f('fk_enrolments_policy_id_policies'), 'policies', ['policy_id', 'school_id'], ['id', 'school_id'])
        batch_op.create_foreign_key(batch_op.f('fk_enrolments_school_id_schools'), 'schools', ['school_id'], ['id'])

    # Attempts: as their enrolment.
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('policy_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE attempts SET "
        "school_id = (SELECT enrolments.school_id FROM enrolments WHERE enrolments.id = attempts.enrolment_id), "
        "policy_id = (SELECT enrolments.policy_id FROM enrolments WHERE enrolments.id = attempts.enrolment_id)"
    )
    # Of two sittings under way, the first was the one shown; a later one holds no answers.
    op.execute(
        "DELETE FROM attempts WHERE submitted_at IS NULL AND EXISTS (SELECT 1 FROM attempts AS earlier "
        "WHERE earlier.enrolment_id = attempts.enrolment_id AND earlier.kind = attempts.kind "
        "AND earlier.submitted_at IS NULL AND earlier.id < attempts.id) "
        "AND NOT EXISTS (SELECT 1 FROM answers WHERE answers.attempt_id = attempts.id)"
    )
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.alter_column('school_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('policy_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_attempts_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempts_school_id'), ['school_id'], unique=False)
        batch_op.create_index('uq_attempts_open', ['enrolment_id', 'kind'], unique=True, sqlite_where=sa.text('submitted_at IS NULL'), postgresql_where=sa.text('submitted_at IS NULL'))
        batch_op.drop_constraint(batch_op.f('fk_attempts_member_id_staff_members'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_attempts_policy_id_policies'), 'policies', ['policy_id', 'school_id'], ['id', 'school_id'])
        batch_op.create_foreign_key(batch_op.f('fk_attempts_member_id_staff_members'), 'staff_members', ['member_id', 'school_id'], ['id', 'school_id'])
        batch_op.create_foreign_key(batch_op.f('fk_attempts_school_id_schools'), 'schools', ['school_id'], ['id'])

    # Declarations: as their enrolment; a policy staff read and sign has no assessment.
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('policy_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE declarations SET "
        "school_id = (SELECT enrolments.school_id FROM enrolments WHERE enrolments.id = declarations.enrolment_id), "
        "policy_id = (SELECT enrolments.policy_id FROM enrolments WHERE enrolments.id = declarations.enrolment_id)"
    )
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.alter_column('school_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('policy_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('attempt_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_declarations_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declarations_school_id'), ['school_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_declarations_member_id_staff_members'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_declarations_school_id_schools'), 'schools', ['school_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_declarations_policy_id_policies'), 'policies', ['policy_id', 'school_id'], ['id', 'school_id'])
        batch_op.create_foreign_key(batch_op.f('fk_declarations_member_id_staff_members'), 'staff_members', ['member_id', 'school_id'], ['id', 'school_id'])

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE certificates SET school_id = (SELECT declarations.school_id FROM declarations "
        "WHERE declarations.id = certificates.declaration_id)"
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('school_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_certificates_school_id'), ['school_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_certificates_school_id_schools'), 'schools', ['school_id'], ['id'])


def downgrade() -> None:
    # Back to one policy per school: only a database whose schools each have the one policy (and
    # no read-and-sign declarations) goes back without loss.
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificates_school_id_schools'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_certificates_school_id'))
        batch_op.drop_column('school_id')

    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_declarations_member_id_staff_members'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_declarations_policy_id_policies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_declarations_school_id_schools'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_declarations_member_id_staff_members'), 'staff_members', ['member_id'], ['id'])
        batch_op.drop_index(batch_op.f('ix_declarations_school_id'))
        batch_op.drop_index(batch_op.f('ix_declarations_policy_id'))
        batch_op.alter_column('attempt_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('policy_id')
        batch_op.drop_column('school_id')

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attempts_school_id_schools'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attempts_member_id_staff_members'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attempts_policy_id_policies'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_attempts_member_id_staff_members'), 'staff_members', ['member_id'], ['id'])
        batch_op.drop_index('uq_attempts_open', sqlite_where=sa.text('submitted_at IS NULL'), postgresql_where=sa.text('submitted_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_attempts_school_id'))
        batch_op.drop_index(batch_op.f('ix_attempts_policy_id'))
        batch_op.drop_column('policy_id')
        batch_op.drop_column('school_id')

    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrolments_school_id_schools'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_enrolments_policy_id_policies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_enrolments_member_id_staff_members'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_enrolments_member_id_staff_members'), 'staff_members', ['member_id'], ['id'])
        batch_op.drop_index('uq_enrolments_open', sqlite_where=sa.text('completed_at IS NULL'), postgresql_where=sa.text('completed_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_enrolments_school_id'))
        batch_op.drop_index(batch_op.f('ix_enrolments_policy_id'))
        batch_op.drop_column('policy_id')
        batch_op.drop_column('school_id')

    with op.batch_alter_table('policy_drafts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_policy_drafts_policy_id_policies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_policy_drafts_policy_id'))
        batch_op.drop_column('policy_id')

    with op.batch_alter_table('policy_versions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_policy_versions_policy_id_policies'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_policy_versions_policy_id_label'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_policy_versions_policy_id_content_hash'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_policy_versions_policy_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_policy_versions_school_id_label'), ['school_id', 'label'])
        batch_op.create_unique_constraint(batch_op.f('uq_policy_versions_school_id_content_hash'), ['school_id', 'content_hash'])
        batch_op.drop_column('policy_id')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_events_event'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_events_event'), _check('event', OLD_EVENTS))

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_staff_members_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_staff_members_role'), _check('role', OLD_ROLES))
        batch_op.drop_constraint(batch_op.f('uq_staff_members_id_school_id'), type_='unique')

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_schools_name'), type_='unique')
        batch_op.drop_column('is_demo')

    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policies_school_id'))

    op.drop_table('policies')
