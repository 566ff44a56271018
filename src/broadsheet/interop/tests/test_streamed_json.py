"""The streamed reader gives what json gives, item by item, across any buffer boundary, and
names the line and column where the text stops being JSON, as json itself does."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadsheet.interop import streamed_json
from broadsheet.interop.streamed_json import (
    ListEnd,
    ListItem,
    ListStart,
    MalformedJson,
    Member,
    read_document,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
documents = st.dictionaries(
    st.text(min_size=1), json_values | st.lists(json_values, max_size=5), max_size=5
)


def events_of(text: str) -> list[object]:
    return list(read_document(io.StringIO(text)))


def rebuilt(text: str) -> dict[str, object]:
    document: dict[str, object] = {}
    for event in events_of(text):
        if isinstance(event, Member):
            document[event.key] = event.value
        elif isinstance(event, ListStart):
            document[event.key] = []
        elif isinstance(event, ListItem):
            items = document[event.key]
            assert isinstance(items, list) and len(items) == event.index
            items.append(event.value)
    return document


@pytest.fixture(params=[1, 3, 1 << 20], ids=["1-char reads", "3-char reads", "1 MB reads"])
def read_size(request, monkeypatch):
    monkeypatch.setattr(streamed_json, "READ_CHARACTERS", request.param)


@pytest.mark.usefixtures("read_size")
@given(document=documents, indent=st.sampled_from([None, 0, 2]))
def test_documents_read_piece_by_piece_are_what_json_reads(document, indent):
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    assert rebuilt(text) == json.loads(text)


def test_lists_come_item_by_item_with_their_lines():
    text = '{"version": 1,\n"users": [\n{"id": 1},\n{"id": 2}\n],\n"empty": []}'
    assert events_of(text) == [
        Member(key="version", value=1, line=1),
        ListStart(key="users", line=2),
        ListItem(key="users", index=0, value={"id": 1}, line=3),
        ListItem(key="users", index=1, value={"id": 2}, line=4),
        ListEnd(key="users", count=2),
        ListStart(key="empty", line=6),
        ListEnd(key="empty", count=0),
    ]


@pytest.mark.usefixtures("read_size")
@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1,\n "b": [1,\n 2 3]}',
        '{"a": [{"x": 1}, {"x": }]}',
        '{"a": 1',
        '{"a"\n: "unterminated}',
        '{"a": 1} x',
        '{"a": [1, 2,]}',
        '{\n\n  "a": {"b": [1, 2}}',
    ],
)
def test_malformed_text_is_placed_where_json_places_it(text):
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(MalformedJson) as error:
        events_of(text)
    assert f"line {expected.value.lineno}, column {expected.value.colno}:" in error.value.message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "line 1, column 1: Expecting a JSON object"),
        ("[1, 2]", "line 1, column 1: Expecting a JSON object"),
        ('{"a": NaN}', "line 1, column 7: NaN is not a JSON value"),
        ('{"a": [Infinity]}', "line 1, column 8: Infinity is not a JSON value"),
    ],
)
def test_what_is_not_a_json_object_is_refused_with_its_place(text, says):
    with pytest.raises(MalformedJson) as error:
        events_of(text)
    assert says in error.value.message
