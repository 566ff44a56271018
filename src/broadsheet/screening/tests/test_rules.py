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
    text = "see https://a.example and http://b.example and www.c-example.org"
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


NEWCOMER = AuthorFacts(
    is_anonymous=False, is_trusted=False, has_approved_comment=False, reputation=None
)


def test_the_spam_score_holds_and_rejects_at_the_sites_two_thresholds():
    rules = site(spam_hold_threshold=0.6, spam_reject_threshold=0.9)
    assert not screen_comment(text="x", author=NEWCOMER, rules=rules, spam_score=0.59).held
    held = screen_comment(text="x", author=NEWCOMER, rules=rules, spam_score=0.6)
    assert held.held and not held.rejected
    assert held.hold_reasons == ["spam score 0.60 (held from 0.60)"]
    rejected = screen_comment(text="x", author=NEWCOMER, rules=rules, spam_score=0.9)
    assert rejected.rejected and not rejected.held
    assert rejected.hold_reasons == ["spam score 0.90 (rejected from 0.90)"]


@pytest.mark.parametrize("hold", [0.2, 0.5, 0.95])
def test_the_editor_moves_the_hold_threshold_both_ways(hold):
    """Only the site's threshold counts: nothing lowers it behind the editor's back."""
    rules = site(spam_hold_threshold=hold, spam_reject_threshold=None)
    assert screen_comment(text="x", author=NEWCOMER, rules=rules, spam_score=hold).held
    assert not screen_comment(text="x", author=NEWCOMER, rules=rules, spam_score=hold - 0.01).held


def test_empty_thresholds_hold_and_reject_nothing():
    rules = site(spam_hold_threshold=None, spam_reject_threshold=None)
    screening = screen_comment(text="x", author=NEWCOMER, rules=rules, spam_score=1.0)
    assert not screening.held and not screening.rejected


def test_an_author_with_an_approved_comment_is_not_held_by_the_score_and_only_held_at_reject():
    rules = site(spam_hold_threshold=0.5, spam_reject_threshold=0.9)
    assert not screen_comment(text="x", author=REGULAR, rules=rules, spam_score=0.8).held
    known = screen_comment(text="x", author=REGULAR, rules=rules, spam_score=0.95)
    assert known.held and not known.rejected
    assert "the author has an approved comment" in known.hold_reasons[0]


def test_remembered_spam_holds_even_an_author_with_an_approved_comment():
    reason = "link domain spam.example was rejected as spam before"
    screening = screen_comment(
        text="x", author=REGULAR, rules=site(), spam_score=0.01, remembered_spam=[reason]
    )
    assert screening.hold_reasons == [reason]


def test_the_reject_threshold_may_not_be_below_the_hold_threshold():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least the score that holds"):
        site(spam_hold_threshold=0.8, spam_reject_threshold=0.7).clean()
    site(spam_hold_threshold=0.8, spam_reject_threshold=0.8).clean()
    site(spam_hold_threshold=None, spam_reject_threshold=0.1).clean()


@pytest.mark.parametrize("trusted", [True])
def test_trusted_readers_skip_hold_rules_but_not_the_block_list(trusted):
    author = AuthorFacts(False, trusted, False, None)
    rules = site(hold_first_comments=True, held_words="casino", blocked_words="slur")
    assert not screen_comment(text="casino", author=author, rules=rules).held
    assert screen_comment(text="slur", author=author, rules=rules).refusal
