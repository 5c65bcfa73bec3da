"""consent, safety, pauses, reasons for not working, the pay ledger and statutory norms

New tables for the compliance records (consent, safety_briefing, injury, placement_pause,
not_working_reason, account_payment, wage_check) and the norms administrators set
(hours_norm, deduction_cap, savings_share). A wage record gains its lost-time pay, and a
placement may end with the reason "withdrawn" (consent withdrawn).

On SQLite a changed CHECK rebuilds the placement table, which drops its triggers: they are
dropped first and created again, unchanged, afterwards (as in 0010).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:53:24.775563

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


# The SQLite triggers of 0004 (marketplace/models.py, facilities/models.py), unchanged.
SQLITE_TRIGGERS = [
    """
        CREATE TRIGGER placement_holds_place_insert AFTER INSERT ON placement
        WHEN NEW.ended_on IS NULL
        BEGIN
            UPDATE production_line SET places_taken = places_taken + 1 WHERE id = NEW.line_id;
            SELECT RAISE(ABORT, 'placement_slot_within_headcount: place beyond the headcount')
            WHERE NEW.slot > (SELECT headcount FROM production_line WHERE id = NEW.line_id);
        END
    """,
    """
        CREATE TRIGGER placement_holds_place_update
        AFTER UPDATE OF ended_on, line_id, slot ON placement
        BEGIN
            UPDATE production_line SET places_taken = places_taken - 1
            WHERE id = OLD.line_id AND OLD.ended_on IS NULL;
            UPDATE production_line SET places_taken = places_taken + 1
            WHERE id = NEW.line_id AND NEW.ended_on IS NULL;
            SELECT RAISE(ABORT, 'placement_slot_within_headcount: place beyond the headcount')
            WHERE NEW.ended_on IS NULL
              AND NEW.slot > (SELECT headcount FROM production_line WHERE id = NEW.line_id);
        END
    """,
    """
        CREATE TRIGGER placement_holds_place_delete AFTER DELETE ON placement
        WHEN OLD.ended_on IS NULL
        BEGIN
            UPDATE production_line SET places_taken = places_taken - 1 WHERE id = OLD.line_id;
        END
    """,
    """
        CREATE TRIGGER line_headcount_covers_slots AFTER UPDATE OF headcount ON production_line
        WHEN EXISTS (SELECT 1 FROM placement WHERE line_id = NEW.id AND ended_on IS NULL
                     AND slot > NEW.headcount)
        BEGIN
            SELECT RAISE(ABORT, 'placement_slot_within_headcount: places beyond the headcount');
        END
    """,
    """
        CREATE TRIGGER lease_area_within_space_insert AFTER INSERT ON lease
        WHEN NEW.status = 'active' AND round((SELECT sum(area_m2) FROM lease
            WHERE space_id = NEW.space_id AND status = 'active'), 1)
            > (SELECT area_m2 FROM production_space WHERE id = NEW.space_id)
        BEGIN SELECT RAISE(ABORT, 'active leases exceed the area of the production space'); END
    """,
    """
        CREATE TRIGGER lease_area_within_space_update
        AFTER UPDATE OF status, area_m2, space_id ON lease
        WHEN NEW.status = 'active' AND round((SELECT sum(area_m2) FROM lease
            WHERE space_id = NEW.space_id AND status = 'active'), 1)
            > (SELECT area_m2 FROM production_space WHERE id = NEW.space_id)
        BEGIN SELECT RAISE(ABORT, 'active leases exceed the area of the production space'); END
    """,
    """
        CREATE TRIGGER space_area_covers_leases AFTER UPDATE OF area_m2 ON production_space
        WHEN round((SELECT coalesce(sum(area_m2), 0) FROM lease
            WHERE space_id = NEW.id AND status = 'active'), 1) > NEW.area_m2
        BEGIN SELECT RAISE(ABORT, 'active leases exceed the area of the production space'); END
    """,
]
SQLITE_TRIGGER_NAMES = [
    'placement_holds_place_insert', 'placement_holds_place_update',
    'placement_holds_place_delete', 'line_headcount_covers_slots',
    'lease_area_within_space_insert', 'lease_area_within_space_update',
    'space_area_covers_leases',
]


END_REASONS_BEFORE = "('released', 'transferred', 'completed', 'dismissed', 'health', 'line_closed', 'other')"
END_REASONS_AFTER = "('released', 'transferred', 'completed', 'dismissed', 'health', 'line_closed', 'withdrawn', 'other')"


def _without_sqlite_triggers(change):
    """Run a change that may rebuild tables; on SQLite the triggers go first and come back."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    change()
    if sqlite:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def _end_reasons(values):
    def change():
        with op.batch_alter_table('placement', schema=None) as batch_op:
            batch_op.drop_constraint(op.f('ck_placement_end_reason'), type_='check')
            batch_op.create_check_constraint(
                op.f('ck_placement_end_reason'), f'end_reason IS NULL OR end_reason IN {values}')
    return change


def upgrade():
    op.create_table('account_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount_kzt', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(paid_on IS NULL OR paid_on BETWEEN '1990-01-01' AND '2100-12-31')", name=op.f('ck_account_payment_dates_in_range')),
    sa.CheckConstraint('amount_kzt > 0', name=op.f('ck_account_payment_amount_positive')),
    sa.CheckConstraint('length(purpose) > 0', name=op.f('ck_account_payment_purpose_given')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['app_user.id'], name=op.f('fk_account_payment_entered_by_id_app_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_account_payment_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_payment'))
    )
    with op.batch_alter_table('account_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_payment_person_id'), ['person_id'], unique=False)

    op.create_table('deduction_cap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('percent', sa.SmallInteger(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('upkeep', 'alimony', 'damages', 'tax', 'other', 'total')", name=op.f('ck_deduction_cap_kind')),
    sa.CheckConstraint('percent BETWEEN 0 AND 100', name=op.f('ck_deduction_cap_percent_range')),
    sa.ForeignKeyConstraint(['set_by_id'], ['app_user.id'], name=op.f('fk_deduction_cap_set_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deduction_cap')),
    sa.UniqueConstraint('kind', 'effective_on', name='uq_deduction_cap_kind_effective_on')
    )
    op.create_table('hours_norm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('hours_per_week', sa.SmallInteger(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("category IN ('general', 'reduced')", name=op.f('ck_hours_norm_category')),
    sa.CheckConstraint('hours_per_week BETWEEN 1 AND 48', name=op.f('ck_hours_norm_hours_range')),
    sa.CheckConstraint('year BETWEEN 1995 AND 2100', name=op.f('ck_hours_norm_year_range')),
    sa.ForeignKeyConstraint(['set_by_id'], ['app_user.id'], name=op.f('fk_hours_norm_set_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hours_norm')),
    sa.UniqueConstraint('year', 'category', name='uq_hours_norm_year_category')
    )
    op.create_table('not_working_reason',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('since_on', sa.Date(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(since_on IS NULL OR since_on BETWEEN '1990-01-01' AND '2100-12-31')", name=op.f('ck_not_working_reason_dates_in_range')),
    sa.CheckConstraint("reason IN ('no_vacancy', 'education', 'sick', 'refused', 'awaiting_transfer')", name=op.f('ck_not_working_reason_reason')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['app_user.id'], name=op.f('fk_not_working_reason_entered_by_id_app_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_not_working_reason_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_not_working_reason'))
    )
    with op.batch_alter_table('not_working_reason', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_not_working_reason_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_not_working_reason_person_since', ['person_id', 'since_on'], unique=False)

    op.create_table('savings_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('percent', sa.SmallInteger(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('percent BETWEEN 0 AND 100', name=op.f('ck_savings_share_percent_range')),
    sa.ForeignKeyConstraint(['set_by_id'], ['app_user.id'], name=op.f('fk_savings_share_set_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_savings_share')),
    sa.UniqueConstraint('effective_on', name=op.f('uq_savings_share_effective_on'))
    )
    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('taken_by', sa.String(length=200), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('document_name', sa.String(length=80), nullable=True),
    sa.Column('document_type', sa.String(length=40), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(taken_on IS NULL OR taken_on BETWEEN '1990-01-01' AND '2100-12-31') AND (withdrawn_on IS NULL OR withdrawn_on BETWEEN '1990-01-01' AND '2100-12-31')", name=op.f('ck_consent_dates_in_range')),
    sa.CheckConstraint('length(taken_by) > 0', name=op.f('ck_consent_taken_by_given')),
    sa.CheckConstraint('withdrawn_on IS NULL OR withdrawn_on >= taken_on', name=op.f('ck_consent_withdrawn_after_taken')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['app_user.id'], name=op.f('fk_consent_entered_by_id_app_user')),
    sa.ForeignKeyConstraint(['line_id'], ['production_line.id'], name=op.f('fk_consent_line_id_production_line')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_consent_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent'))
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_person_id'), ['person_id'], unique=False)

    op.create_table('safety_briefing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('briefed_on', sa.Date(), nullable=False),
    sa.Column('briefed_by', sa.String(length=200), nullable=False),
    sa.Column('kind_of_work', sa.String(length=200), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(briefed_on IS NULL OR briefed_on BETWEEN '1990-01-01' AND '2100-12-31')", name=op.f('ck_safety_briefing_dates_in_range')),
    sa.CheckConstraint('length(briefed_by) > 0 AND length(kind_of_work) > 0', name=op.f('ck_safety_briefing_fields_given')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['app_user.id'], name=op.f('fk_safety_briefing_entered_by_id_app_user')),
    sa.ForeignKeyConstraint(['line_id'], ['production_line.id'], name=op.f('fk_safety_briefing_line_id_production_line')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_safety_briefing_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_briefing'))
    )
    with op.batch_alter_table('safety_briefing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_briefing_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_safety_briefing_person_id'), ['person_id'], unique=False)

    op.create_table('injury',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('days_lost', sa.SmallInteger(), nullable=False),
    sa.Column('cause', sa.String(length=500), nullable=False),
    sa.Column('measures', sa.String(length=500), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(occurred_on IS NULL OR occurred_on BETWEEN '1990-01-01' AND '2100-12-31')", name=op.f('ck_injury_dates_in_range')),
    sa.CheckConstraint("severity IN ('minor', 'serious', 'fatal')", name=op.f('ck_injury_severity')),
    sa.CheckConstraint('days_lost BETWEEN 0 AND 366', name=op.f('ck_injury_days_lost_range')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['app_user.id'], name=op.f('fk_injury_entered_by_id_app_user')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_injury_placement_id_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_injury'))
    )
    with op.batch_alter_table('injury', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_injury_placement_id'), ['placement_id'], unique=False)

    op.create_table('placement_pause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(started_on IS NULL OR started_on BETWEEN '1990-01-01' AND '2100-12-31') AND (ended_on IS NULL OR ended_on BETWEEN '1990-01-01' AND '2100-12-31')", name=op.f('ck_placement_pause_dates_in_range')),
    sa.CheckConstraint("kind IN ('sick', 'suspended_paid', 'suspended_unpaid', 'absence')", name=op.f('ck_placement_pause_kind')),
    sa.CheckConstraint('ended_on IS NULL OR ended_on > started_on', name=op.f('ck_placement_pause_dates_in_order')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['app_user.id'], name=op.f('fk_placement_pause_entered_by_id_app_user')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_placement_pause_placement_id_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_pause'))
    )
    with op.batch_alter_table('placement_pause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_pause_placement_id'), ['placement_id'], unique=False)
        batch_op.create_index('uq_placement_pause_open', ['placement_id'], unique=True, sqlite_where=sa.text('ended_on IS NULL'), postgresql_where=sa.text('ended_on IS NULL'))

    op.create_table('wage_check',
    sa.Column('wage_record_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('statutory_hours', sa.SmallInteger(), nullable=False),
    sa.Column('overtime', sa.Boolean(), nullable=False),
    sa.Column('no_rest_day', sa.Boolean(), nullable=False),
    sa.Column('savings_kzt', sa.Integer(), nullable=False),
    sa.CheckConstraint('savings_kzt >= 0', name=op.f('ck_wage_check_savings_nonnegative')),
    sa.ForeignKeyConstraint(['wage_record_id'], ['wage_record.id'], name=op.f('fk_wage_check_wage_record_id_wage_record')),
    sa.PrimaryKeyConstraint('wage_record_id', name=op.f('pk_wage_check'))
    )
    with op.batch_alter_table('wage_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lost_time_kzt', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.create_check_constraint(op.f('ck_wage_record_lost_time_within_accrued'),
                                         'lost_time_kzt BETWEEN 0 AND accrued_kzt')
    _without_sqlite_triggers(_end_reasons(END_REASONS_AFTER))



def downgrade():
    op.execute("UPDATE placement SET end_reason = 'other' WHERE end_reason = 'withdrawn'")
    _without_sqlite_triggers(_end_reasons(END_REASONS_BEFORE))
    with op.batch_alter_table('wage_record', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_wage_record_lost_time_within_accrued'), type_='check')
        batch_op.drop_column('lost_time_kzt')

    op.drop_table('wage_check')
    with op.batch_alter_table('placement_pause', schema=None) as batch_op:
        batch_op.drop_index('uq_placement_pause_open', sqlite_where=sa.text('ended_on IS NULL'), postgresql_where=sa.text('ended_on IS NULL'))
        batch_op.drop_index(batch_op.f('ix_placement_pause_placement_id'))

    op.drop_table('placement_pause')
    with op.batch_alter_table('injury', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_injury_placement_id'))

    op.drop_table('injury')
    with op.batch_alter_table('safety_briefing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_briefing_person_id'))
        batch_op.drop_index(batch_op.f('ix_safety_briefing_line_id'))

    op.drop_table('safety_briefing')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_person_id'))
        batch_op.drop_index(batch_op.f('ix_consent_line_id'))

    op.drop_table('consent')
    op.drop_table('savings_share')
    with op.batch_alter_table('not_working_reason', schema=None) as batch_op:
        batch_op.drop_index('ix_not_working_reason_person_since')
        batch_op.drop_index(batch_op.f('ix_not_working_reason_person_id'))

    op.drop_table('not_working_reason')
    op.drop_table('hours_norm')
    op.drop_table('deduction_cap')
    with op.batch_alter_table('account_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_payment_person_id'))

    op.drop_table('account_payment')
