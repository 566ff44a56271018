"""Our account pages and the admin's each render their own templates, never the other's.

Jinja2 is searched before the Django template language, so a site template named like one
of Django's (registration/password_change_form.html) would replace the admin's page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import views as auth_views
from django.core import mail
from django.test import Client, override_settings
from django.urls import URLPattern, reverse

from broadsheet.accounts import urls
from broadsheet.accounts.models import User
from broadsheet.accounts.tests.conftest import link_in, page_text
from broadsheet.conftest import PASSWORD

ADMIN_MARKUP = ('id="container"', "Django administration")
OUR_PASSWORD_CHANGE_MARKUP = "<h1>Change your password</h1>"
NEW_PASSWORD = "a brand new passphrase 77"
TEMPLATE_ATTRIBUTES = (
    "template_name",
    "email_template_name",
    "subject_template_name",
    "html_email_template_name",
)


def is_django_auth_view(view_class: type) -> bool:
    return any(base.__module__ == auth_views.__name__ for base in view_class.__mro__)


def auth_views_in_urls() -> dict[str, dict[str, object]]:
    """Each Django auth view the accounts URLs route to, with the templates it will use."""
    found = {}
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None or not is_django_auth_view(view_class):
            continue
        init = pattern.callback.view_initkwargs  # type: ignore[attr-defined]
        found[str(pattern.name)] = {
            attribute: init.get(attribute, getattr(view_class, attribute))
            for attribute in TEMPLATE_ATTRIBUTES
            if hasattr(view_class, attribute)
        }
    return found


def test_every_auth_view_names_templates_of_our_own() -> None:
    views = auth_views_in_urls()

    assert set(views) == {
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
    for name, templates in views.items():
        assert templates["template_name"], name
        for attribute, template in templates.items():
            assert template is None or str(template).startswith("accounts/"), (
                name,
                attribute,
                template,
            )


def test_no_template_of_ours_is_named_like_one_of_djangos() -> None:
    jinja2_dir = Path(urls.__file__).parent / "jinja2"

    assert not (jinja2_dir / "registration").exists()


@pytest.mark.django_db
def test_the_admin_password_change_renders_the_admins_page(client: Client, editor: User) -> None:
    client.force_login(editor)

    form_page = page_text(client.get(reverse("admin:password_change")))
    done_page = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    for markup in ADMIN_MARKUP:
        assert markup in form_page
        assert markup in page_text(done_page)
    assert OUR_PASSWORD_CHANGE_MARKUP not in form_page
    assert done_page.redirect_chain[-1][0] == reverse("admin:password_change_done")
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_the_site_password_change_renders_ours(client: Client, editor: User) -> None:
    client.force_login(editor)

    html = page_text(client.get(reverse("accounts:password_change")))

    assert OUR_PASSWORD_CHANGE_MARKUP in html
    for markup in ADMIN_MARKUP:
        assert markup not in html


@pytest.mark.django_db
def test_the_reset_mail_still_carries_a_full_link_to_our_page(
    client: Client, reader: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    client.post(reverse("accounts:password_reset"), {"email": "rita_reader@example.org"})

    message = mailoutbox[0]
    assert message.subject == "Reset your password at Broadsheet"
    assert message.alternatives == []
    assert "http://testserver/accounts/password/reset/" in str(message.body)
    page = client.get(link_in(message, "/accounts/password/reset/"), follow=True)
    assert "Choose a new password" in page_text(page)
    assert 'name="new_password1"' in page_text(page)


@pytest.mark.django_db
@override_settings(LOGOUT_REDIRECT_URL=None)
def test_logging_out_without_a_redirect_shows_our_page(client: Client, reader: User) -> None:
    client.force_login(reader)

    html = page_text(client.post(reverse("accounts:logout")))

    assert "You are logged out" in html
    for markup in ADMIN_MARKUP:
        assert markup not in html
