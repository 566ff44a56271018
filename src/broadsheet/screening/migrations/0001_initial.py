# The spam classifier's examples and models move from moderation to screening, which sits
# below discussion. The tables were created by moderation's migrations: the models are taken
# over as they are, then the tables take the new app's name.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('moderation', '0002_spammodel_spamexample'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SpamModel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('trained_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('pipeline_format', models.CharField(max_length=100)),
                        ('pipeline', models.BinaryField()),
                        ('threshold', models.FloatField(help_text='Comments scoring at least this are held.')),
                        ('cv_precision', models.FloatField(help_text='Cross-validated precision at the threshold.')),
                        ('cv_recall', models.FloatField(help_text='Cross-validated recall at the threshold.')),
                        ('spam_examples', models.PositiveIntegerField()),
                        ('ham_examples', models.PositiveIntegerField()),
                        ('last_example_id', models.PositiveBigIntegerField()),
                        ('training_seconds', models.FloatField()),
                    ],
                    options={
                        'db_table': 'moderation_spammodel',
                        'get_latest_by': 'id',
                    },
                ),
                migrations.CreateModel(
                    name='SpamExample',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('text', models.TextField()),
                        ('is_spam', models.BooleanField()),
                        ('source', models.CharField(choices=[('moderator', "Moderator's decision"), ('import', 'Imported labelled data')], max_length=10)),
                        ('external_id', models.CharField(blank=True, max_length=200)),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'db_table': 'moderation_spamexample',
                        'constraints': [models.UniqueConstraint(condition=models.Q(('external_id', ''), _negated=True), fields=('source', 'external_id'), name='spam_example_imported_once')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='spammodel', table=None),
        migrations.AlterModelTable(name='spamexample', table=None),
    ]
