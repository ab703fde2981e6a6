"""A granted amount is positive (or not set): the database refuses a negative or zero one from any path.

Rows entered before the check (a negative amount was stored) stop the migration with their ids, so that the
right amounts are entered by a finance officer rather than guessed here.
"""

from django.db import migrations, models


def refuse_existing(apps, schema_editor):
    Enrolment = apps.get_model("benefits", "Enrolment")
    bad = list(Enrolment.objects.filter(granted_amount__lte=0).values_list("pk", flat=True)[:50])
    if bad:
        raise RuntimeError(
            "benefits: enrolments with a granted amount of 0 or less must be corrected before this migration "
            f"(享受对象 #{', #'.join(map(str, bad))}): set the amount that was granted, then migrate again")


class Migration(migrations.Migration):

    dependencies = [
        ("benefits", "0008_retry_request"),
    ]

    operations = [
        migrations.RunPython(refuse_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="enrolment",
            constraint=models.CheckConstraint(
                condition=models.Q(("granted_amount__isnull", True), ("granted_amount__gt", 0), _connector="OR"),
                name="benefits_enrolment_granted_amount_positive"),
        ),
    ]
