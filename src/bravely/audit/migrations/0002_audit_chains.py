"""One chain per practice (plus a global one), each with a head row that writers lock.

The new columns: `chain` (the chain key), `seq` (the number within the chain) and `hash_version`
(1: hashed before chains, without chain and seq; 2: the hash covers both). Existing events are
numbered in 0003 and the (chain, seq) constraint follows in 0004, each in its own transaction.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChain',
            fields=[
                ('key', models.CharField(max_length=32, primary_key=True, serialize=False)),
                ('seq', models.BigIntegerField(default=0)),
                ('head_hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
            options={
                'ordering': ['key'],
            },
        ),
        migrations.AddField(
            model_name='auditevent',
            name='chain',
            field=models.CharField(default='global', max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='hash_version',
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
    ]
