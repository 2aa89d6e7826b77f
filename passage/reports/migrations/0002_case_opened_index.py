"""A covering index on cases for the funnel and the median days per stage.

Both read every case opened in the period with its stage and person; from this index alone
PostgreSQL answers that in the cases' id order (merge-joined with the stage history) without
visiting 100,000 table rows one by one. Same SQL on SQLite and PostgreSQL.
"""

from django.db import migrations

NAME = "reports_case_opened_idx"


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_figures_indexes")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON cases_case (id, opened_at, stage, person_id)",
            reverse_sql=f"DROP INDEX IF EXISTS {NAME}",
        )
    ]
