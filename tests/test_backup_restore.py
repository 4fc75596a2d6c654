"""`manage.py backup` and `restore`: a round trip gives back every table and
every stored file exactly (on SQLite and, in the PostgreSQL run, through
pg_dump/pg_restore)."""

from __future__ import annotations

import datetime
import io
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from activities.models import Activity, Attachment, GroupDocument
from sectors.models import Member

from .factories import make_activity, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def tables() -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            snapshot[table] = sorted(repr(row) for row in cursor.fetchall())
    return snapshot


def stored_files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def portal_data(group_a, group_b, users):
    members = [make_member(group_a, "李委员"), make_member(group_b, "赵委员")]
    activity = make_activity([group_a, group_b], title="联合协商会", attendees=members)
    Attachment.objects.create(
        activity=activity, file=ContentFile(b"%PDF-1.4 minutes", name="m.pdf"), original_name="纪要.pdf", size=16
    )
    document = GroupDocument(group=group_a, year=2025, kind="plan", title="计划", dated=datetime.date(2025, 1, 20))
    document.original_name = "计划.txt"
    document.file.save("plan.txt", ContentFile("年度计划".encode()), save=False)
    document.save()
    return activity


def test_it_round_trips_every_table_and_every_file(portal_data, group_a, tmp_path):
    before_tables, before_files = tables(), stored_files()
    assert len(before_files) == 2 and before_tables

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    assert archive.exists()

    # Life goes on after the backup: rows added, changed and deleted, files added and lost.
    make_activity([group_a], title="备份之后的活动")
    Activity.objects.filter(pk=portal_data.pk).update(title="改过的标题")
    Member.objects.filter(name="赵委员").update(name="改名")
    Attachment.objects.create(
        activity=portal_data, file=ContentFile(b"later", name="later.txt"), original_name="后来.txt", size=5
    )
    Path(portal_data.attachments.first().file.path).unlink()
    assert tables() != before_tables and stored_files() != before_files

    call_command("restore", str(archive), "--noinput")

    assert tables() == before_tables
    assert stored_files() == before_files
    assert Activity.objects.get(pk=portal_data.pk).title == "联合协商会"  # the ORM sees the restored rows


def test_it_refuses_a_damaged_archive_and_changes_nothing(portal_data, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data + b"tampered"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    Activity.objects.filter(pk=portal_data.pk).update(title="备份之后改的")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), "--noinput")
    assert Activity.objects.get(pk=portal_data.pk).title == "备份之后改的"
