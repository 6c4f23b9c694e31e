from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_existing_history'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('chain', 'seq'), name='audit_event_chain_seq'),
        ),
    ]
