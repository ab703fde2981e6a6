"""Index a record's change history apart from its views, unmasks and exports (issue 17): the person page reads the
newest changes of one person without scanning the views recorded since.

A migration of the audit table: on a secured PostgreSQL run it on a superuser's connection and run
``jisheng secure_audit`` again afterwards (docs/deploy.md).
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(condition=models.Q(("action__in", ["view", "unmask", "export"]), _negated=True),
                               fields=["object_type", "object_id", "at", "id"], name="core_audit_changes_idx"),
        ),
    ]
