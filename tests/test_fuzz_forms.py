"""Bad input never gives a 500: every form and filter of the portal, found from
the URLconf and the pages themselves (as tests/test_access_walk.py finds the
views), receives oversized ids, null bytes, 5,000-character strings and
impossible dates, one field at a time, as staff and as a group leader. Each
answer must be a page (a form error), a redirect or a 4xx, never a server error.

Views added later are covered without anyone remembering to add them: their
forms are read from the HTML they render.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from portal import roles

from .test_access_walk import _rows_for, _url, _walked

PAYLOADS = {
    "oversized id": "99999999999999999999999",
    "negative oversized id": "-99999999999999999999999",
    "null byte": "名\x00字",
    "5,000 characters": "长" * 5000,
    "impossible date": "2025-02-30",
}
ID_LIKE = ("oversized id", "negative oversized id", "null byte")
# The payloads worth sending to a field, by the kind of input that shows it;
# every payload also goes to all fields at once.
PAYLOADS_FOR = {
    "select": ID_LIKE,
    "checkbox": ID_LIKE,
    "radio": ID_LIKE,
    "hidden": ID_LIKE + ("5,000 characters",),
    "number": ID_LIKE + ("5,000 characters",),
    "date": ("impossible date", "null byte", "5,000 characters"),
    "month": ("impossible date", "null byte", "5,000 characters"),
}
TEXT_PAYLOADS = ("null byte", "5,000 characters", "oversized id")
# Query parameters the lists read besides their filter forms' fields.
EXTRA_QUERY_PARAMETERS = ("page", "groups", "group", "year", "month", "member", "kind")
# Forms that end the session or only delete: fuzzing them teaches nothing and would
# remove the rows the walk needs.
SKIPPED_ACTIONS = ("/accounts/logout/", "/delete/")


class FormParser(HTMLParser):
    """The forms of a page: method, action and the values a browser would send."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.kinds: dict[str, str] = {}
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = {"method": method, "action": attrs.get("action") or "", "data": {}, "kinds": {}}
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or not attrs.get("name"):
            return
        name, data = attrs["name"], form["data"]
        form["kinds"][name] = tag if tag != "input" else attrs.get("type", "text")
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            data.setdefault(name, [])
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                data[name].append(attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = name
            data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            data[name] = [""]

    def handle_data(self, text) -> None:
        if self._textarea and self._form:
            self._form["data"][self._textarea][0] += text

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _forms(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _failed(response) -> str | None:
    if response.status_code < 500:
        return None
    exc = getattr(response, "exc_info", None)
    return f"{response.status_code} {exc[1]!r}" if exc else str(response.status_code)


def _page_urls(role: str, rows: dict) -> list[str]:
    return [_url(p, ns, rows) for p, ns in _walked() if role in p.callback.access_roles]


def _payloads_for(form: dict, name: str) -> tuple[str, ...]:
    return PAYLOADS_FOR.get(form["kinds"].get(name, "hidden"), TEXT_PAYLOADS)


def _fuzz_page(client: Client, url: str, *, field_by_field: bool = True) -> list[str]:
    """Fuzz one page's filters (query string) and forms (posts), field by field."""
    failures = []
    response = client.get(url)
    if not response.get("Content-Type", "").startswith("text/html") or response.status_code != 200:
        return failures
    for form in _forms(response.content.decode()):
        action = form["action"] or url
        if urlsplit(action).netloc or any(skip in action for skip in SKIPPED_ACTIONS):
            continue
        target = action.split("?")[0] if form["method"] == "get" else action
        failures += _fuzz_form(client, form, target, field_by_field=field_by_field)
    return failures


def _fuzz_form(client: Client, form: dict, action: str, *, field_by_field: bool) -> list[str]:
    baseline = {name: values for name, values in form["data"].items() if name != "csrfmiddlewaretoken"}
    names = list(dict.fromkeys(list(baseline) + (list(EXTRA_QUERY_PARAMETERS) if form["method"] == "get" else [])))
    attempts = [(name, kind) for name in names for kind in _payloads_for(form, name)] if field_by_field else []
    attempts += [("every field", kind) for kind in PAYLOADS]
    failures = []
    for name, kind in attempts:
        payload = PAYLOADS[kind]
        data = {n: [payload] for n in names} if name == "every field" else {**baseline, name: [payload]}
        if form["method"] == "get":
            response = client.get(f"{action}?{urlencode(data, doseq=True)}")
        else:
            response = client.post(action, data)
        problem = _failed(response)
        if problem:
            failures.append(f"{form['method'].upper()} {action} {name}={kind}: {problem}")
    return failures


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER])
def test_it_answers_bad_input_to_every_form_and_filter_without_a_server_error(role, users, group_a, group_b):
    rows = _rows_for(group_a, "A")
    _rows_for(group_b, "B")
    client = _client(users[role])
    urls = _page_urls(role, rows)
    # Staff see every form with every field: field by field. A leader's forms are the
    # same with fewer choices: every field at once keeps the run short.
    by_field = role == roles.STAFF
    failures = [failure for url in urls for failure in _fuzz_page(client, url, field_by_field=by_field)]
    assert len(urls) > 10
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("role", [roles.STAFF, roles.LEADER])
def test_it_answers_not_found_for_ids_beyond_the_database_range(role, users, group_a):
    client = _client(users[role])
    failures = []
    for pattern, namespace in _walked():
        names = list(pattern.pattern.converters)
        if not names or role not in pattern.callback.access_roles:
            continue
        for huge in (PAYLOADS["oversized id"], "9223372036854775808"):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            url = reverse(name, kwargs={key: int(huge) for key in names})
            for method in ("get", "post") if pattern.callback.access_write else ("get",):
                response = getattr(client, method)(url)
                # 404, or 405 where the method itself is refused before the id is read.
                if response.status_code not in (404, 405):
                    failures.append(f"{method.upper()} {url}: {_failed(response) or response.status_code}")
    assert failures == [], "\n".join(failures)
