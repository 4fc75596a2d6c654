"""Add the day-before meeting reminder to django-celery-beat's schedule (issue 21)."""

from django.db import migrations


def install(apps, schema_editor):
    from reports.schedule import schedule_install

    schedule_install(
        apps.get_model("django_celery_beat", "PeriodicTask"), apps.get_model("django_celery_beat", "CrontabSchedule")
    )


def uninstall(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="activities.tasks.send_meeting_reminders"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_i17b_station_days_and_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
