"""Ages: the band in clear, the exact age sealed from now on. Existing exact ages are kept (as
legacy_age, readable as before) until the person is next saved with an age; their bands are
filled in here, which needs no key."""

from django.db import migrations, models

import passage.core.fields
from passage.cases.vocab import AGE_BANDS


def fill_bands(apps, schema_editor):
    Person = apps.get_model("cases", "Person")
    for band, low, high in AGE_BANDS:
        Person.objects.filter(legacy_age__gte=low, legacy_age__lte=high).update(age_band=band)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="person", old_name="age", new_name="legacy_age"),
        migrations.AlterField(
            model_name="person",
            name="legacy_age",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="age_band",
            field=models.CharField(
                blank=True,
                choices=[
                    ("0-17", "<18"),
                    ("18-24", "18–24"),
                    ("25-34", "25–34"),
                    ("35-44", "35–44"),
                    ("45-54", "45–54"),
                    ("55+", "55+"),
                ],
                default="",
                max_length=8,
                verbose_name="age band",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="sealed_age",
            field=passage.core.fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.RunPython(fill_bands, migrations.RunPython.noop),
    ]
