"""Celery application. Without REDIS_URL, tasks run eagerly in the caller."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenzhou_sectors.settings")

app = Celery("wenzhou_sectors")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
