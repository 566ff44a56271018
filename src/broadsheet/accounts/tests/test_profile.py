"""Profile pages: what everyone sees, and what the owner may change."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.accounts.tests.conftest import Post, field_errors, link_in, page_text
from broadsheet.conftest import PASSWORD, make_user
from broadsheet.publishing.models import PostStatus
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

EDIT = reverse("accounts:edit_profile")


def profile_url(user: User) -> str:
    return reverse("accounts:profile", kwargs={"username": user.username})


def edit_form(user: User, **changes: str) -> dict[str, str]:
    data = {"bio": user.bio, "email": user.email, "current_password": ""}
    data.update(changes)
    return data


def test_the_profile_shows_username_join_date_bio_and_role(client: Client, reader: User) -> None:
    User.objects.filter(pk=reader.pk).update(bio="Reads the <b>paper</b>.\n\nEvery day.")

    html = page_text(client.get(profile_url(reader)))

    assert '<h1 class="profile__name" dir="auto">rita_reader</h1>' in html
    joined = timezone.localdate(reader.date_joined, ZoneInfo(settings.TIME_ZONE))
    assert f'<time datetime="{joined.isoformat()}">' in html
    assert "<dd>Reader</dd>" in html
    assert '<p dir="auto">Reads the &lt;b&gt;paper&lt;/b&gt;.</p>' in html
    assert '<p dir="auto">Every day.</p>' in html


def test_an_authors_profile_lists_only_their_published_posts(client: Client, editor: User) -> None:
    other = make_user("otto_other", Role.EDITOR)
    make_post(editor, "Her published story")
    make_post(editor, "Her draft", status=PostStatus.DRAFT)
    make_post(editor, "Her scheduled story", hours_ago=-5, status=PostStatus.SCHEDULED)
    make_post(other, "Someone else's story")

    html = page_text(client.get(profile_url(editor)))

    assert "<dd>Editor</dd>" in html
    assert "Her published story" in html
    assert "Her draft" not in html
    assert "Her scheduled story" not in html
    assert "Someone else" not in html
    assert f'href="{reverse("publishing:author", kwargs={"username": "ed_editor"})}"' in html


def test_a_reader_without_posts_has_no_posts_section(client: Client, reader: User) -> None:
    html = page_text(client.get(profile_url(reader)))

    assert "profile-posts-title" not in html


def test_only_the_owner_sees_the_edit_form(client: Client, reader: User, editor: User) -> None:
    assert "Edit profile" not in page_text(client.get(profile_url(reader)))
    client.force_login(editor)
    assert "Edit profile" not in page_text(client.get(profile_url(reader)))

    client.force_login(reader)
    html = page_text(client.get(profile_url(reader)))

    assert "Edit profile" in html
    assert f'action="{EDIT}"' in html
    assert f'href="{reverse("accounts:password_change")}"' in html
    assert 'value="rita_reader@example.org"' in html


def test_an_unconfirmed_owner_is_told_and_offered_a_new_link(client: Client) -> None:
    newcomer = make_user("nina_new")
    User.objects.filter(pk=newcomer.pk).update(email_confirmed=False)
    client.force_login(newcomer)

    html = page_text(client.get(profile_url(newcomer)))

    assert "is not confirmed yet" in html
    assert f'action="{reverse("accounts:resend_confirmation")}"' in html


def test_unknown_and_closed_accounts_have_no_profile(client: Client, reader: User) -> None:
    assert client.get("/accounts/people/nobody/").status_code == 404
    User.objects.filter(pk=reader.pk).update(is_active=False)
    assert client.get(profile_url(reader)).status_code == 404


def test_own_profile_leads_to_ones_profile_after_login(client: Client, reader: User) -> None:
    own = reverse("accounts:own_profile")

    assert client.get(own)["Location"] == f"{reverse('accounts:login')}?next={own}"
    client.force_login(reader)
    assert client.get(own)["Location"] == profile_url(reader)


def test_the_owner_can_edit_the_bio(client: Client, reader: User) -> None:
    client.force_login(reader)

    response = client.post(EDIT, edit_form(reader, bio="  Likes long threads.  "), follow=True)

    assert "Your profile is saved." in page_text(response)
    reader.refresh_from_db()
    assert reader.bio == "Likes long threads."
    assert reader.email_confirmed


def test_a_new_email_needs_the_password_and_is_confirmed_again(
    client: Client, reader: User, post_and_commit: Post, mailoutbox: list[mail.EmailMessage]
) -> None:
    client.force_login(reader)

    refused = post_and_commit(EDIT, edit_form(reader, email="rita@new.example"))
    assert field_errors(refused, "current_password") == [
        "That is not your password; it is needed to change your email address."
    ]
    assert 'value="rita@new.example"' in page_text(refused)
    reader.refresh_from_db()
    assert reader.email == "rita_reader@example.org"

    post_and_commit(EDIT, edit_form(reader, email="rita@new.example", current_password=PASSWORD))

    reader.refresh_from_db()
    assert reader.email == "rita@new.example"
    assert not reader.email_confirmed
    assert [message.to for message in mailoutbox] == [["rita@new.example"]]
    client.get(link_in(mailoutbox[0], "/accounts/confirm/"))
    reader.refresh_from_db()
    assert reader.email_confirmed


def test_an_email_someone_else_uses_is_refused_next_to_the_field(
    client: Client, reader: User, editor: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    client.force_login(reader)

    response = client.post(
        EDIT, edit_form(reader, email="ED_EDITOR@example.org", current_password=PASSWORD)
    )

    assert field_errors(response, "email") == [
        "An account with the email ED_EDITOR@example.org exists already."
    ]
    reader.refresh_from_db()
    assert reader.email == "rita_reader@example.org"
    assert mailoutbox == []


def test_a_too_long_bio_is_refused_and_kept_for_fixing(client: Client, reader: User) -> None:
    client.force_login(reader)

    response = client.post(EDIT, edit_form(reader, bio="word " * 401))

    assert field_errors(response, "bio") == [
        "Ensure this value has at most 2000 characters (it has 2004)."
    ]
    assert "word word word" in page_text(response)
    reader.refresh_from_db()
    assert reader.bio == ""


def test_editing_needs_a_login(client: Client, reader: User) -> None:
    response = client.post(EDIT, edit_form(reader, bio="sneaky"))

    assert response["Location"].startswith(reverse("accounts:login"))
    reader.refresh_from_db()
    assert reader.bio == ""


def test_the_owner_sets_a_display_name_that_bylines_and_comment_heads_show(
    client: Client, editor: User, reader: User, post_and_commit: Post
) -> None:
    from broadsheet.discussion.tests.factories import make_comment

    post = make_post(editor, "A story with a byline")
    comment = make_comment(post, editor, "A note from the author.")
    client.force_login(editor)
    assert 'name="display_name"' in page_text(client.get(profile_url(editor)))

    post_and_commit(EDIT, edit_form(editor, display_name="  Mara   Quill "))

    editor.refresh_from_db()
    assert editor.display_name == "Mara Quill"
    client.logout()
    story = page_text(client.get(post.get_absolute_url()))
    assert f'<a href="/author/{editor.username}/" rel="author" dir="auto">Mara Quill</a>' in story
    # The comment's stored head was rendered with the username; it follows the new name.
    assert f'<a href="/accounts/people/{editor.username}/" dir="auto">Mara Quill</a>' in story
    assert f'id="comment-{comment.pk}"' in story
    profile = page_text(client.get(profile_url(editor)))
    assert '<h1 class="profile__name" dir="auto">Mara Quill</h1>' in profile
    assert f"<dd>{editor.username}</dd>" in profile


def test_an_empty_display_name_shows_the_username(client: Client, reader: User) -> None:
    User.objects.filter(pk=reader.pk).update(display_name="Rita")
    client.force_login(reader)
    client.post(EDIT, edit_form(reader, display_name=""))
    reader.refresh_from_db()
    assert reader.shown_name == "rita_reader"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("user\u202egnp.exe", "Remove the invisible direction marks"),
        ("a\u2066b", "Remove the invisible direction marks"),
        ("bell\x07", "Remove the control characters."),
        ("x" * 81, "Ensure this value has at most 80 characters (it has 81)."),
    ],
)
def test_a_display_name_that_could_pass_for_another_is_refused(
    client: Client, reader: User, name: str, error: str
) -> None:
    client.force_login(reader)
    response = client.post(EDIT, edit_form(reader, display_name=name))
    assert field_errors(response, "display_name")[0].startswith(error)
    reader.refresh_from_db()
    assert reader.display_name == ""


def test_names_in_any_script_are_welcome(client: Client, reader: User) -> None:
    client.force_login(reader)
    client.post(EDIT, edit_form(reader, display_name="كريم إبراهيم"))
    reader.refresh_from_db()
    assert reader.display_name == "كريم إبراهيم"
