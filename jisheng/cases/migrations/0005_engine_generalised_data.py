"""Data for the generalised engine: each step's legal date (the day it was entered, in China Standard Time, for
steps recorded before steps had one), and every clock's single extension as an extension row."""

from zoneinfo import ZoneInfo

from django.db import migrations

CST = ZoneInfo("Asia/Shanghai")


def forward(apps, schema_editor):
    CaseStep = apps.get_model("cases", "CaseStep")
    CaseClock = apps.get_model("cases", "CaseClock")
    ClockExtension = apps.get_model("cases", "ClockExtension")
    for step in CaseStep.objects.filter(on__isnull=True).only("id", "at"):
        CaseStep.objects.filter(pk=step.pk).update(on=step.at.astimezone(CST).date())
    for c in CaseClock.objects.filter(extension__isnull=False).exclude(extension=0):
        ClockExtension.objects.create(clock=c, amount=c.extension, reason=c.extension_reason or "（迁移前记录）",
                                      on=c.updated_at.astimezone(CST).date(), approver_label="（迁移前记录）")
    for c in CaseClock.objects.filter(start_event=""):
        c.start_event = "received" if c.kind == "supplement_notice" else ""
        c.save(update_fields=["start_event"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_engine_generalised")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
