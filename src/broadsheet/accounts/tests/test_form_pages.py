"""Every account form: a label for each control, a CSRF token, errors tied to their fields."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from broadsheet.accounts.models import User
from broadsheet.accounts.tests.conftest import link_in, page_text

pytestmark = pytest.mark.django_db


class FormAudit(HTMLParser):
    """Notes each form's controls and the labels on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.label_targets: set[str] = set()
        self.forms: list[dict[str, list[str]]] = []
        self.described_by: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if attributes.get("aria-describedby"):
            self.described_by.extend(str(attributes["aria-describedby"]).split())
        if tag == "form":
            self.forms.append({"controls": [], "csrf": []})
        elif tag == "label" and attributes.get("for"):
            self.label_targets.add(str(attributes["for"]))
        elif tag in {"input", "select", "textarea"} and self.forms:
            if attributes.get("name") == "csrfmiddlewaretoken":
                self.forms[-1]["csrf"].append("yes")
            elif attributes.get("type") != "hidden":
                self.forms[-1]["controls"].append(str(attributes.get("id")))


def audit(html: str) -> FormAudit:
    parser = FormAudit()
    parser.feed(html)
    return parser


def reset_link(client: Client, mailoutbox: list[mail.EmailMessage]) -> str:
    client.post(reverse("accounts:password_reset"), {"email": "rita_reader@example.org"})
    return link_in(mailoutbox[-1], "/accounts/password/reset/")


PAGES = {
    "register": lambda client, mailoutbox: reverse("accounts:register"),
    "login": lambda client, mailoutbox: reverse("accounts:login"),
    "password reset": lambda client, mailoutbox: reverse("accounts:password_reset"),
    "new password": reset_link,
    "password change": lambda client, mailoutbox: reverse("accounts:password_change"),
    "own profile": lambda client, mailoutbox: reverse("accounts:own_profile"),
}
NEEDS_LOGIN = {"password change", "own profile"}


@pytest.mark.parametrize("page", PAGES)
def test_every_control_has_a_label_and_every_form_a_csrf_token(
    client: Client, reader: User, mailoutbox: list[mail.EmailMessage], page: str
) -> None:
    if page in NEEDS_LOGIN:
        client.force_login(reader)
    url = PAGES[page](client, mailoutbox)

    response = client.get(url, follow=True)
    found = audit(page_text(response))

    assert response.status_code == 200
    page_forms = [form for form in found.forms if form["controls"]]
    assert page_forms, "the page shows no form with controls"
    for form in found.forms:
        assert form["csrf"], "a form without a CSRF token"
        assert set(form["controls"]) <= found.label_targets, "a control without a label"
    assert set(found.described_by) <= found.ids, "aria-describedby names a missing element"


@pytest.mark.parametrize("page", ["register", "login", "password reset"])
def test_a_refused_form_summarizes_its_errors_and_ties_them_to_fields(
    client: Client, db: None, page: str
) -> None:
    url = PAGES[page](client, [])

    html = page_text(client.post(url, {}))
    found = audit(html)

    assert 'class="error-summary" role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert any(target.endswith("_error") for target in found.described_by)
    assert set(found.described_by) <= found.ids
