"""What text from outside may hold: NUL and lone surrogates refused, one-line fields
stripped of the bidirectional controls that can spoof what a reader sees."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadsheet.errors import InvalidInput
from broadsheet.input_text import (
    BIDI_CONTROLS,
    check_storable,
    one_line,
    unstorable_character,
    unstorable_in,
)

# Every code point, the surrogates and NUL included, weighted towards the troublesome ones.
any_text = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=()),  # surrogates (category Cs) included
        st.sampled_from(["\x00", "\ud800", "\udfff", *BIDI_CONTROLS, "\u200f", "\n"]),
    )
)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("a\x00b", "a NUL character (U+0000)"),
        ("lone \ud800 high", "a lone surrogate (U+D800)"),
        ("lone \udc80 low", "a lone surrogate (U+DC80)"),
    ],
)
def test_what_no_database_stores_is_named(text, said):
    problem = unstorable_character(text)
    assert problem is not None
    assert said in problem
    with pytest.raises(InvalidInput, match=re.escape(f"The body contains {said}")) as refused:
        check_storable(text, field="body")
    assert refused.value.code == "invalid_character"


@pytest.mark.parametrize(
    "text", ["", "plain", "emoji \U0001f600 whole", "العربية", "tab\tand\nnewline", "\u202e"]
)
def test_ordinary_text_is_storable_as_it_is(text):
    assert unstorable_character(text) is None
    assert check_storable(text, field="body") is text


def test_strings_are_found_at_any_depth_of_a_json_value():
    assert unstorable_in({"tags": ["ok", "b\x00d"]}) is not None
    assert unstorable_in({"key\ud800": 1}) is not None  # keys too
    assert unstorable_in([1, 2.5, None, True, {"a": ["b"]}]) is None


@given(any_text)
def test_storable_means_it_encodes_as_utf8_without_nul(text):
    storable = unstorable_character(text) is None
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        assert not storable
    else:
        assert storable == (b"\x00" not in encoded)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("user\u202egnp.exe", "usergnp.exe"),  # shown as "userexe.png" with the override
        (
            "\u2067\u0645\u0631\u062d\u0628\u0627\u2069 a\u202dhello\u202c",
            "\u0645\u0631\u062d\u0628\u0627 ahello",
        ),
        ("  two\n lines\t here ", "two lines here"),
        ("right\u200fmark kept", "right\u200fmark kept"),  # a mark places punctuation only
    ],
)
def test_one_line_fields_lose_the_bidirectional_controls_and_extra_space(typed, stored):
    assert one_line(typed) == stored


@given(any_text)
def test_a_one_line_field_has_no_control_that_reorders_and_no_line_break(text):
    line = one_line(text)
    assert not BIDI_CONTROLS & set(line)
    assert line == line.strip()
    assert "\n" not in line
    assert one_line(line) == line
