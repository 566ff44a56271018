"""What text from outside may hold: the rules every entry point and writer applies.

**Refused everywhere.** Two kinds of character cannot be stored, so text that holds one is
refused (400, error code `invalid_character`) with a message naming the field, before it
reaches a database, a query or the sanitizer:

- NUL (U+0000): PostgreSQL's text columns cannot hold it, so a lookup or a write that carries
  one fails inside the database driver (a `/author/a%00b/` asked for a username with a NUL).
- Lone UTF-16 surrogates (U+D800 to U+DFFF): halves of a pair that JSON's `"\\ud800"` escape
  and Python's `surrogateescape` can produce, but that are not characters; no UTF-8 encoder
  takes them (SQLite's, psycopg's, nh3's).

Refused rather than removed: a client that sends them is broken or probing, and removing
would store something other than what was sent without saying so. The checks run where
text enters: `theme.input_check` for addresses, query strings, forms, cookies and headers;
`api.inputs` for every JSON string; and the services that store text (comments, posts), for
callers with no request (the command line, importers).

**Neutralised in one-line fields.** A subject, a name or a title is shown inline among other
text, where the bidirectional embedding, override and isolate controls (U+202A to U+202E,
U+2066 to U+2069) can reorder what follows: "user" + U+202E + "gnp.exe" shows as "userexe.png".
`one_line` removes them. Isolating the field instead (`<bdi>`, or FSI ... PDI around it) would
keep the override working inside the field, which is where the spoof is. Nothing legitimate
is lost: the Unicode bidirectional algorithm lays out an Arabic or Hebrew name, or a title
that mixes scripts, without explicit controls, and the pages mark user text `dir="auto"`.
The marks (LRM U+200E, RLM U+200F, ALM U+061C) stay: they only place neutral characters such
as punctuation, and are how a writer fixes a mixed-direction title. Bodies (Markdown, several
paragraphs) keep the controls: a paragraph ends every embedding it opens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from broadsheet.errors import InvalidInput

INVALID_CHARACTER = "invalid_character"  # the error code of every such refusal, for clients
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_REMOVE_BIDI_CONTROLS = dict.fromkeys(map(ord, BIDI_CONTROLS))


def unstorable_character(text: str) -> str | None:
    """What in `text` cannot be stored, said for a person ("a NUL character (U+0000)"), or
    None when nothing."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    character = found.group()
    if character == "\x00":
        return "a NUL character (U+0000), which text may not contain"
    return (
        f"a lone surrogate (U+{ord(character):04X}), half of a UTF-16 pair and not a "
        "character; send the text as UTF-8"
    )


def unstorable_in(value: Any) -> str | None:
    """The first unstorable character in a string, or in the strings (keys too) of a JSON-like
    value of lists and objects; None when there is none."""
    for text in _strings(value):
        problem = unstorable_character(text)
        if problem is not None:
            return problem
    return None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)


def check_storable(text: str, *, field: str) -> str:
    """`text` unchanged, or InvalidInput (400, as every entry point answers) saying which
    field holds which character."""
    problem = unstorable_character(text)
    if problem is not None:
        raise InvalidInput(f"The {field} contains {problem}.", code=INVALID_CHARACTER, status=400)
    return text


def one_line(text: str) -> str:
    """A one-line field as stored: bidirectional controls removed, each run of whitespace
    (line breaks included) one space, none at either end."""
    return " ".join(text.translate(_REMOVE_BIDI_CONTROLS).split())
