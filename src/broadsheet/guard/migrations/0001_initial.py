# Ban moves from moderation to guard, which every entry point below accounts may import.
# The table was created by moderation's migrations: the model is taken over as it is, then the
# table takes the new app's name.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import broadsheet.guard.models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('moderation', '0002_spammodel_spamexample'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Ban',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('network', models.CharField(blank=True, help_text='e.g. 203.0.113.0/24', max_length=64, validators=[broadsheet.guard.models.validate_network])),
                        ('until', models.DateTimeField(blank=True, help_text='Empty: for good.', null=True)),
                        ('reason', models.CharField(max_length=500)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('lifted', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='bans', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'moderation_ban',
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('user__isnull', False), ('network', '')), models.Q(('user__isnull', True), models.Q(('network', ''), _negated=True)), _connector='OR'), name='ban_names_a_user_or_a_network')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='ban', table=None),
    ]
