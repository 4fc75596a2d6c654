"""Schedule the reminder of proposals' answer deadlines (reports.outcome_reminders)."""

from django.db import migrations

NAME = "提醒：提案答复期限（到期前7天及逾期）"


def install(apps, schema_editor):
    from reports.schedule import schedule_install

    schedule_install(
        apps.get_model("django_celery_beat", "PeriodicTask"), apps.get_model("django_celery_beat", "CrontabSchedule")
    )


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_i17b_station_days_and_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
