# Ban now lives in guard, SpamExample and SpamModel in screening (their migrations take the
# tables over); moderation only forgets them.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('moderation', '0002_spammodel_spamexample'),
        ('guard', '0001_initial'),
        ('screening', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Ban'),
                migrations.DeleteModel(name='SpamExample'),
                migrations.DeleteModel(name='SpamModel'),
            ],
        ),
    ]
