"""Create the portal's scheduled jobs (reminders, nightly snapshots) in django-celery-beat."""

from django.db import migrations


def install(apps, schema_editor):
    from reports.schedule import schedule_install

    schedule_install(apps.get_model("django_celery_beat", "PeriodicTask"), apps.get_model("django_celery_beat", "CrontabSchedule"))


def uninstall(apps, schema_editor):
    from reports.schedule import DEFAULT_SCHEDULE

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[entry.name for entry in DEFAULT_SCHEDULE]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_snapshots_and_closed_years"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
