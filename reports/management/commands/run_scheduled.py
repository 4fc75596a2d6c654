"""`manage.py run_scheduled`: run the scheduled jobs that are due, here and now (for cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports.schedule import scheduled_due, scheduled_run


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs (系统管理 → 周期任务) whose time has come, in this process, without "
        "Redis or a Celery worker. Run it from cron every few minutes where there is no Celery beat."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", dest="run_all", action="store_true", help="Run every enabled job now, due or not.")
        parser.add_argument("--list", dest="list_only", action="store_true", help="Only list the jobs that are due.")

    def handle(self, *args, run_all: bool = False, list_only: bool = False, **options) -> None:
        from django_celery_beat.models import PeriodicTask

        tasks = PeriodicTask.objects.filter(enabled=True).order_by("name") if run_all else scheduled_due()
        for task in tasks:
            if list_only:
                self.stdout.write(f"{task.name}  ({task.task})")
                continue
            result = scheduled_run(task)
            if result is None:
                self.stdout.write(f"{task.name}: already run by another process")
            else:
                self.stdout.write(self.style.SUCCESS(f"{task.name}: {result}"))
