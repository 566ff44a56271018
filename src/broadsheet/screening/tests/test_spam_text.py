"""The text the spam classifier reads: the same for the data set and for Broadsheet's comments."""

from __future__ import annotations

from broadsheet.markup import render_comment_markdown
from broadsheet.screening.spam_classifier import duplicate_key, normalize_comment_text


def test_entities_are_decoded_as_in_the_data_set() -> None:
    assert normalize_comment_text("Tom &amp; Jerry &gt;.&lt; I&#39;m &quot;in&quot;") == (
        'Tom & Jerry >.< I\'m "in"'
    )


def test_tags_are_dropped_and_line_breaks_become_spaces() -> None:
    text = "Hey guys, I&#39;m a human.<br /><br />But <b>not</b> today"
    assert normalize_comment_text(text) == "Hey guys, I'm a human. But not today"


def test_whitespace_is_collapsed_and_trimmed() -> None:
    assert normalize_comment_text("  Party   rock\n\tanthem  ") == "Party rock anthem"


def test_a_link_keeps_its_target_after_its_words() -> None:
    html = '<p>Read <a href="https://spam.example/pills" rel="nofollow">my article</a></p>'
    assert normalize_comment_text(html) == "Read my article https://spam.example/pills"


def test_a_link_showing_its_own_address_is_not_doubled() -> None:
    html = '<a href="https://example.org/">https://example.org/</a>'
    assert normalize_comment_text(html) == "https://example.org/"


def test_a_broadsheet_comment_reads_like_its_plain_text_with_the_link_target() -> None:
    body_html = render_comment_markdown("Great **deals** at [my shop](https://shop.example)!")
    assert normalize_comment_text(body_html) == "Great deals at my shop https://shop.example !"


def test_plain_text_with_angle_brackets_is_kept() -> None:
    assert normalize_comment_text("I <3 this, 5 < 6") == "I <3 this, 5 < 6"


def test_copies_differing_in_case_spacing_or_markup_share_a_key() -> None:
    assert duplicate_key("Check out this video on YouTube:<br />") == duplicate_key(
        "check  out this VIDEO on youtube: "
    )
    assert duplicate_key("Party rock") != duplicate_key("Party rock anthem")
