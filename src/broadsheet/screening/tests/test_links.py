"""Each link is found, and counted, once, in Markdown, HTML, BBCode or bare."""

from __future__ import annotations

import pytest

from broadsheet.screening.links import (
    count_links,
    email_addresses,
    find_links,
    mentioned_domains,
    registered_domain,
)


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Source: https://www.reuters.com/world/", 1),  # https://www. is one link, not two
        ("www.bbc.co.uk/news and nothing else", 1),
        ('<a href="https://www.example.com/a">the report</a>', 1),  # not again as a bare URL
        ("<a href='https://example.com/a'>https://example.com/a</a>", 1),
        ("<a href=https://example.com>x</a>", 1),
        ("[url=https://www.example.com/shop]cheap shoes[/url]", 1),
        ("[url]https://example.com/shop[/url]", 1),
        ("[the ruling](https://www.supremecourt.gov/opinions/23pdf/22-451.pdf)", 1),
        ('[the ruling](https://example.com/r "title")', 1),
        ("one https://a.example.com two http://b.example.org/x?y=1 three www.c.example.net", 3),
        ("The same https://example.com/a twice https://example.com/a", 2),
        ("No link at all, just example words.", 0),
        ("A domain written as a word, reportfraud.ftc.gov, is not a link", 0),
    ],
)
def test_count_links_counts_each_link_once(text, links):
    assert count_links(text) == links


def test_every_markup_at_once():
    text = (
        'Markdown [a](https://a.example.com/1), HTML <a href="https://www.b.example.com/2">b</a>,'
        " BBCode [url=https://c.example.com/3]c[/url] and bare https://www.d.example.com/4."
    )
    links = find_links(text)
    assert [link.markup for link in links] == ["bbcode", "html", "markdown", "bare"]
    assert [link.host for link in links] == [
        "c.example.com",
        "b.example.com",
        "a.example.com",
        "d.example.com",
    ]
    assert [link.anchor for link in links][:3] == ["c", "b", "a"]


def test_domains_are_the_part_a_person_registers():
    assert registered_domain("https://news.bbc.co.uk/world") == "bbc.co.uk"
    assert registered_domain("www.shop.spam-pills.com.au/buy") == "spam-pills.com.au"
    assert registered_domain("http://localhost:8000/") == "localhost"
    assert registered_domain("not a url") == ""


def test_domains_and_addresses_written_as_words_are_found_apart_from_links():
    text = "Pay at royalmail-redelivery.info, or mail me at Someone@Example.com; see https://a.com"
    assert mentioned_domains(text) == ["royalmail-redelivery.info"]
    assert email_addresses(text) == ["someone@example.com"]
