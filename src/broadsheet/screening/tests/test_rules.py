"""Each hold rule on its own, as the comment service applies it."""

from __future__ import annotations

import pytest

from broadsheet.screening.models import ScreeningSettings
from broadsheet.screening.rules import AuthorFacts, count_links, parse_word_list, screen_comment

REGULAR = AuthorFacts(
    is_anonymous=False, is_trusted=False, has_approved_comment=True, reputation=3.0
)


def site(**settings) -> ScreeningSettings:
    return ScreeningSettings(**settings)


def test_an_ordinary_comment_passes():
    assert screen_comment(text="A fair point.", author=REGULAR, rules=site()).hold_reasons == []


def test_a_first_comment_is_held_when_the_site_asks():
    newcomer = AuthorFacts(False, False, has_approved_comment=False, reputation=None)
    assert screen_comment(text="Hi", author=newcomer, rules=site()).hold_reasons == []
    held = screen_comment(text="Hi", author=newcomer, rules=site(hold_first_comments=True))
    assert held.hold_reasons == ["first comment of this reader"]


def test_more_links_than_the_limit_are_held():
    text = "see https://a.example and http://b.example and www.c.example"
    assert count_links(text) == 3
    assert screen_comment(text=text, author=REGULAR, rules=site(hold_link_limit=2)).held
    assert not screen_comment(text=text, author=REGULAR, rules=site(hold_link_limit=3)).held
    assert not screen_comment(text=text, author=REGULAR, rules=site(hold_link_limit=None)).held


def test_held_words_match_whole_words_in_any_case_and_regexes():
    rules = site(held_words="casino\n/vi[a@]gra/\n# a comment line\n")
    assert screen_comment(text="Best CASINO bonus", author=REGULAR, rules=rules).hold_reasons == [
        "contains “CASINO”"
    ]
    assert screen_comment(text="cheap vi@gra", author=REGULAR, rules=rules).held
    assert not screen_comment(text="occasionally", author=REGULAR, rules=rules).held


def test_blocked_words_refuse_with_a_message():
    screening = screen_comment(text="a slur here", author=REGULAR, rules=site(blocked_words="slur"))
    assert screening.refusal is not None
    assert "does not accept" in screening.refusal


def test_an_invalid_regex_is_matched_as_text_instead_of_failing():
    patterns = parse_word_list("/([unclosed/")
    assert patterns[0].search("a /([unclosed/ b")


def test_anonymous_comments_are_held_by_default():
    anonymous = AuthorFacts(True, False, False, None)
    assert screen_comment(text="hello", author=anonymous, rules=site()).hold_reasons == [
        "anonymous comment"
    ]


def test_a_reputation_under_the_floor_holds():
    low = AuthorFacts(False, False, True, reputation=1.5)
    held = screen_comment(text="x", author=low, rules=site(hold_below_reputation=2.0))
    assert held.hold_reasons == ["reputation 1.50 below 2.00"]


def test_a_spam_score_over_the_threshold_holds():
    assert screen_comment(text="x", author=REGULAR, rules=site(), spam_score=0.95).held
    assert not screen_comment(text="x", author=REGULAR, rules=site(), spam_score=0.5).held
    # the model's own, lower threshold applies when it has one
    assert screen_comment(
        text="x", author=REGULAR, rules=site(), spam_score=0.7, spam_threshold=0.65
    ).held


@pytest.mark.parametrize("trusted", [True])
def test_trusted_readers_skip_hold_rules_but_not_the_block_list(trusted):
    author = AuthorFacts(False, trusted, False, None)
    rules = site(hold_first_comments=True, held_words="casino", blocked_words="slur")
    assert not screen_comment(text="casino", author=author, rules=rules).held
    assert screen_comment(text="slur", author=author, rules=rules).refusal
