"""Old addresses answer 301: on a 404, and on the front page for WordPress's query links."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet.accounts.models import User
from broadsheet.interop.models import Redirect
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def redirects() -> None:
    for old, new in (
        ("/2010/05/hello-world/", "/posts/hello-world/"),
        ("/about", "/posts/about-us/"),
        ("/?p=12", "/posts/hello-world/"),
        ("/?page_id=7", "/posts/about-us/"),
        ("/index.php?p=12", "/posts/hello-world/"),
        ("/feed/", "/feed.xml"),
    ):
        Redirect.objects.create(old_path=old, new_path=new, source="wordpress")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/2010/05/hello-world/", "/posts/hello-world/"),
        ("/2010/05/hello-world", "/posts/hello-world/"),  # without its trailing slash
        ("/about/", "/posts/about-us/"),  # with one it did not have
        ("/?p=12", "/posts/hello-world/"),
        ("/?p=12&utm_source=feed", "/posts/hello-world/"),  # other keys do not matter
        ("/?page_id=7", "/posts/about-us/"),
        ("/index.php?p=12", "/posts/hello-world/"),
        ("/feed/", "/feed.xml"),
    ],
)
def test_an_old_address_answers_a_permanent_redirect(
    client: Client, redirects: None, old: str, new: str
) -> None:
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_the_front_page_never_redirects(client: Client, redirects: None) -> None:
    Redirect.objects.create(old_path="/", new_path="/posts/hello-world/")  # by a slip
    assert client.get("/").status_code == 200
    assert client.get("/?p=99").status_code == 200


def test_addresses_without_a_redirect_answer_as_before(client: Client, redirects: None) -> None:
    assert client.get("/2010/05/nothing-here/").status_code == 404
    assert client.get("/?p=99").status_code == 200  # the front page, as always
    assert client.post("/2010/05/hello-world/").status_code in (403, 404, 405)


def test_an_ordinary_request_costs_no_redirect_query(
    client: Client, redirects: None, editor: User
) -> None:
    post = make_post(editor, "Here")
    for url in ("/", "/?page=2", post.get_absolute_url()):
        client.get(url)  # warm up caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert not [q for q in captured.captured_queries if "interop_redirect" in q["sql"]], url
    with CaptureQueriesContext(connection) as captured:
        client.get("/no/such/page/")
    assert [q for q in captured.captured_queries if "interop_redirect" in q["sql"]]


def test_editors_list_search_add_and_remove_redirects(
    client: Client, admin_user: User, redirects: None
) -> None:
    client.force_login(admin_user)
    listing = client.get("/admin/interop/redirect/?q=hello")
    assert listing.status_code == 200
    assert "/2010/05/hello-world/" in listing.content.decode()
    assert "/about" not in listing.content.decode().replace("/about-us/", "")

    added = client.post(
        "/admin/interop/redirect/add/",
        {"old_path": "https://old.example/2011/01/gone/", "new_path": "/posts/hello-world/"},
    )
    assert added.status_code == 302
    assert Redirect.objects.get(old_path="/2011/01/gone/").source == ""
    assert client.get("/2011/01/gone/")["Location"] == "/posts/hello-world/"

    refused = client.post(
        "/admin/interop/redirect/add/", {"old_path": "/x/", "new_path": "javascript:alert(1)"}
    )
    assert refused.status_code == 200 and not Redirect.objects.filter(old_path="/x/").exists()

    gone = Redirect.objects.get(old_path="/2011/01/gone/")
    deleted = client.post(f"/admin/interop/redirect/{gone.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert client.get("/2011/01/gone/").status_code == 404
