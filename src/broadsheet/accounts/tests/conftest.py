"""Helpers for driving the account pages through the test client."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client

Post = Callable[..., HttpResponse]


@pytest.fixture
def post_and_commit(client: Client, django_capture_on_commit_callbacks: Any) -> Post:
    """POST a form and run what the view queued for after its commit (mail, mostly).

    Each test runs inside a transaction that never commits, so without this the mail a view
    queues with transaction.on_commit would never be sent.
    """

    def post(url: str, data: dict[str, str] | None = None, **extra: Any) -> HttpResponse:
        with django_capture_on_commit_callbacks(execute=True):
            response: HttpResponse = client.post(url, data or {}, **extra)
        return response

    return post


def link_in(message: mail.EmailMessage, path_prefix: str) -> str:
    """The path of the first absolute http(s) link in a mail whose path starts so."""
    found = re.search(rf"https?://testserver({re.escape(path_prefix)}\S*)", str(message.body))
    assert found, f"no link to {path_prefix} in:\n{message.body}"
    return found.group(1)


def page_text(response: HttpResponse) -> str:
    return response.content.decode()


class _ListItems(HTMLParser):
    """Collects the text of each <li> inside the element with a given id."""

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.depth = 0  # > 0 while inside the element
        self.items: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
            if tag == "li":
                self.items.append("")
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and self.items:
            self.items[-1] += data


def field_errors(response: HttpResponse, field: str) -> list[str]:
    """The errors shown next to a form field, as a person reads them."""
    parser = _ListItems(f"id_{field}_error")
    parser.feed(page_text(response))
    return [" ".join(item.split()) for item in parser.items]
