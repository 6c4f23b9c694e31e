from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("pacing", "0004_merge_20261201_2235"),
    ]

    operations = [
        migrations.AddField(
            model_name="pacingstate",
            name="changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="pacingstate",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
