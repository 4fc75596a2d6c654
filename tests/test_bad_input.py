"""Bad input that used to give a 500 now gives a form error or an empty result.

The fuzz test (tests/test_fuzz_forms.py) sends bad values to every form; these
are the cases found by the trust probe, pinned with their effects.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from activities.models import Activity, ConstituentContact
from sectors.models import Constituent

from .factories import make_member

HUGE = "99999999999999999999999"


def test_it_shows_a_form_error_when_a_contact_edit_types_a_new_constituent_and_a_bad_date(staff_client, group_a):
    member = make_member(group_a, "李委员")
    person = Constituent.objects.create(committee=group_a.committee, name="陈师傅")
    contact = ConstituentContact.objects.create(
        group=group_a, member=member, constituent=person, way="phone", contacted_on=datetime.date(2025, 4, 2)
    )
    data = {"member": member.pk, "constituent": "", "new_name": "新群众", "way": "phone", "contacted_on": "2025-02-30"}
    response = staff_client.post(reverse("contact_edit", args=[contact.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["contacted_on"]
    assert "李委员 → 陈师傅" in response.content.decode()  # the breadcrumb names the stored contact
    contact.refresh_from_db()
    assert contact.constituent == person and not Constituent.objects.filter(name="新群众").exists()


def test_it_lists_no_member_for_a_group_id_beyond_the_integer_range(staff_client, group_a):
    make_member(group_a, "李委员")
    url = reverse("activity_attendance_options")
    response = staff_client.get(f"{url}?groups={HUGE}&groups={group_a.pk}&date=2025-03-01")
    assert response.status_code == 200
    assert "李委员" in response.content.decode()  # the known group is listed, the unknown id ignored
    response = staff_client.get(f"{url}?groups={HUGE}&date=2025-03-01")
    assert response.status_code == 200 and "李委员" not in response.content.decode()


def test_it_refuses_a_posted_group_id_beyond_the_integer_range(staff_client, group_a):
    data = {"groups": [HUGE], "kind": "study", "date": "2025-03-01", "title": "越界"}
    response = staff_client.post(reverse("activity_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["groups"]
    assert not Activity.objects.filter(title="越界").exists()
