"""Indexes for the figures queries, on other apps' tables (reports owns no models).

Partial indexes on stage changes only: the timeline is mostly requests and assignments, and
every figure that reads it wants stage changes. The same SQL works on SQLite and PostgreSQL.
"""

from django.db import migrations

INDEXES = [
    # Funnel history and median days per stage: per case, in order.
    (
        "reports_stage_case_idx",
        "cases_timelineentry (case_id, at, from_stage, to_stage) WHERE kind = 'stage'",
    ),
    # Defections, rejections and referrals by month: by target stage and date.
    (
        "reports_stage_to_idx",
        "cases_timelineentry (to_stage, at, from_stage, case_id) WHERE kind = 'stage'",
    ),
    # Requests per week by channel: an index-only scan over the period.
    ("reports_request_week_idx", "intake_request (received_at, channel, person_id)"),
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("intake", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in INDEXES
    ]
