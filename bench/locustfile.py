"""Locust users for bench/bench_load.py: staff, group leaders and the chairman.

Not run by hand: bench_load.py writes the plan (logged-in session cookies, ids,
the pages that exist) to a JSON file named by BENCH_PLAN and starts locust
headless against 127.0.0.1. Requests are labelled by page, so the statistics
come out per page. No think time by default: each user sends its next request as
soon as the last one is answered (a closed loop, like wrk's connections), so the
figures are the capacity of the server, not of the users. BENCH_THINK=s gives
each user a pause of s/2 to 3s/2 seconds between pages (bench_load.py --think).

`LoginPage` alone is the baseline: the login page, a template without data.
"""

from __future__ import annotations

import json
import os
import random
import re
from http.cookiejar import Cookie
from pathlib import Path

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8")) if os.environ.get("BENCH_PLAN") else {}
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "0"))
WRITES = os.environ.get("BENCH_WRITES", "1") != "0"  # 0: the create task opens the form but saves nothing
THINK = float(os.environ.get("BENCH_THINK", "0"))  # a user's pause between pages, seconds on average (0: none)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ONE_TIME_KEY = re.compile(r'name="submission_key" value="([^"]+)"')  # sectors.submissions, as a browser sends it
_sent = 0


@events.request.add_listener
def _bounded(**_kwargs) -> None:
    """Stop the run after BENCH_MAX_REQUESTS requests (locust's -t bounds the time)."""
    global _sent
    _sent += 1
    if MAX_REQUESTS and _sent == MAX_REQUESTS:
        from locust.runners import STATE_STOPPING

        runner = _environment.runner if _environment else None
        if runner and runner.state != STATE_STOPPING:
            runner.quit()


_environment = None


@events.init.add_listener
def _remember(environment, **_kwargs) -> None:
    global _environment
    _environment = environment


def _cookie(name: str, value: str) -> Cookie:
    return Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False, None, None, {})


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = between(THINK / 2, THINK * 3 / 2) if THINK else constant(0)
    role = ""

    def on_start(self) -> None:
        sessions = PLAN["sessions"][self.role]
        self.account = random.choice(sessions)
        self.client.cookiejar.set_cookie(_cookie("sessionid", self.account["sessionid"]))

    def page(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif b'name="password"' in (response.content or b"")[:20000] and "login" not in name:
                response.failure("not logged in")

    # --- what everyone does ----------------------------------------------------------

    def home(self) -> None:
        self.page("/", "home")

    def activity_list(self) -> None:
        self.page("/activities/", "activity list, page 1")

    def activity_deep(self) -> None:
        last = self.account["activity_pages"]
        self.page(f"/activities/?page={random.randint(2, max(2, last))}", "activity list, deep page")

    def activity_last(self) -> None:
        self.page(f"/activities/?page={self.account['activity_pages']}", "activity list, last page")

    def activity_filter(self) -> None:
        year = random.choice(PLAN["years"])
        choices = [
            f"/activities/?kind={random.choice(PLAN['kinds'])}&month={year}-{random.randint(1, 12):02d}",
            f"/activities/?q=%E5%AD%A6%E4%B9%A0&page={random.randint(1, 20)}",
            f"/activities/?highlight=yes&page={random.randint(1, 5)}",
        ]
        if self.account.get("group_choices"):
            group = random.choice(self.account["group_choices"])
            choices.append(f"/activities/?group={group}&kind=study&page={random.randint(1, 5)}")
        self.page(random.choice(choices), "activity list, filtered")

    def calendar(self) -> None:
        year = random.choice(PLAN["years"])
        if random.random() < 0.4:
            self.page(f"/activities/calendar/?year={year}&month=12", "calendar, December")
        else:
            self.page(f"/activities/calendar/?year={year}&month={random.randint(1, 11)}", "calendar, other months")

    def activity_detail(self) -> None:
        self.page(f"/activities/{random.choice(self.account['activities'])}/", "activity detail")

    def group_list(self) -> None:
        self.page(f"/groups/?year={random.choice(PLAN['years'])}", "group list")

    def group_page(self) -> None:
        group = random.choice(self.account["group_choices"])
        self.page(f"/groups/{group}/?year={random.choice(PLAN['years'])}", "group page")

    def member_record(self) -> None:
        member = random.choice(self.account["members"])
        self.page(f"/members/{member}/?year={random.choice(PLAN['years'])}", "member duty record")

    def member_list(self) -> None:
        self.page(f"/members/?page={random.randint(1, self.account['member_pages'])}", "member list")

    def records(self) -> None:
        prefix, name = random.choice(PLAN["record_lists"])
        page = random.randint(1, self.account["record_pages"].get(prefix, 1))
        self.page(f"/{prefix}?page={page}", name)

    def extra(self) -> None:
        """Scorecards and the dashboard, when the portal has them."""
        if PLAN["extra_pages"]:
            url, name = random.choice(PLAN["extra_pages"])
            self.page(url.replace("{year}", str(random.choice(PLAN["years"]))), name)
        else:
            self.home()

    def create_activity(self) -> None:
        """Open the form, load the attendance list for the group, save an activity with attendance."""
        with self.client.get("/activities/new/", name="activity form", catch_response=True) as r:
            found, key = CSRF.search(r.text or ""), ONE_TIME_KEY.search(r.text or "")
            if r.status_code != 200 or not found:
                r.failure(f"{r.status_code}, no form")
                return
        group = self.account["own_group"] or random.choice(self.account["group_choices"])
        day = PLAN["create_day"]
        self.page(f"/activities/attendance-options/?groups={group}&date={day}", "attendance options")
        if not WRITES:
            return
        data = {
            "csrfmiddlewaretoken": found.group(1),
            "groups": str(group),
            "kind": "study",
            "title": f"压力测试学习会{random.randint(1, 10**9)}",
            "date": day,
            "status": "held",
            "format": "offline",
            "location": "市政协三楼会议室",
            "partners": "",
            "summary": "集中学习。",
            "other_participants": "2",
            "workstation": "",
            "submission_key": key.group(1) if key else "",
        }
        for n, member in enumerate(PLAN["group_members"][str(group)]):
            data[f"att_{member}"] = "absent" if n % 7 == 3 else "present"
            if n % 7 == 3:
                data[f"reason_{member}"] = "leave"
        with self.client.post("/activities/new/", data=data, name="create activity", catch_response=True) as response:
            if response.status_code not in (200, 302) or "/activities/new/" in (response.url or ""):
                response.failure(f"{response.status_code}: not saved")


class Staff(PortalUser):
    weight = 5
    role = "staff"

    @task(6)
    def t_home(self):
        self.home()

    @task(6)
    def t_list(self):
        self.activity_list()

    @task(3)
    def t_deep(self):
        self.activity_deep()

    @task(1)
    def t_last(self):
        self.activity_last()

    @task(4)
    def t_filter(self):
        self.activity_filter()

    @task(3)
    def t_calendar(self):
        self.calendar()

    @task(3)
    def t_detail(self):
        self.activity_detail()

    @task(2)
    def t_groups(self):
        self.group_list()

    @task(3)
    def t_group(self):
        self.group_page()

    @task(3)
    def t_member(self):
        self.member_record()

    @task(3)
    def t_members(self):
        self.member_list()

    @task(4)
    def t_records(self):
        self.records()

    @task(1)
    def t_create(self):
        self.create_activity()


class Leader(PortalUser):
    weight = 3
    role = "leader"

    @task(6)
    def t_home(self):
        self.home()

    @task(5)
    def t_list(self):
        self.activity_list()

    @task(2)
    def t_deep(self):
        self.activity_deep()

    @task(1)
    def t_last(self):
        self.activity_last()

    @task(2)
    def t_filter(self):
        self.activity_filter()

    @task(3)
    def t_calendar(self):
        self.calendar()

    @task(3)
    def t_detail(self):
        self.activity_detail()

    @task(4)
    def t_group(self):
        self.group_page()

    @task(4)
    def t_member(self):
        self.member_record()

    @task(2)
    def t_records(self):
        self.records()

    @task(1)
    def t_create(self):
        self.create_activity()


class Chairman(PortalUser):
    weight = 2
    role = "chairman"

    @task(6)
    def t_home(self):
        self.home()

    @task(3)
    def t_list(self):
        self.activity_list()

    @task(2)
    def t_calendar(self):
        self.calendar()

    @task(5)
    def t_groups(self):
        self.group_list()

    @task(5)
    def t_group(self):
        self.group_page()

    @task(3)
    def t_member(self):
        self.member_record()

    @task(2)
    def t_records(self):
        self.records()

    @task(4)
    def t_extra(self):
        self.extra()


class LoginPage(FastHttpUser):
    """The baseline: the login page (a template, no data), anonymous."""

    wait_time = constant(0)

    @task
    def login_page(self):
        with self.client.get("/accounts/login/", name="login page", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
