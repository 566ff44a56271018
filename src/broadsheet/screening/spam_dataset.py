"""Labelled comments in CSV files: the shipped blog comments, files to score, files to import.

UTF-8 (a byte-order mark is allowed), RFC 4180 quoting, a header naming the columns. `text`
and `label` are required; `kind`, `language`, `author_name`, `author_url` and `id` are
optional, and other columns are ignored, so the older `id,source,text,label` files read too.
Every problem is reported as one sentence naming the file and the line, because the person
reading it has a spreadsheet open and wants to go to that line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from broadsheet.errors import InvalidInput
from broadsheet.screening.spam_features import SpamInput

REQUIRED_COLUMNS = ("text", "label")
SPAM_LABEL, HAM_LABEL = "spam", "ham"
# The labelled blog comments shipped with Broadsheet: the seed of every site's filter and the
# data its figures in docs/moderation.md are measured on.
SHIPPED_SET = "blog_comments.csv"
# Written apart from the shipped set and never trained on: the held-out check.
HELD_OUT_SET = "blog_comments_holdout.csv"


class LabelledDataError(InvalidInput):
    """A labelled-comment file that cannot be read as the format says."""

    code = "labelled_data"


@dataclass(frozen=True)
class LabelledComment:
    text: str
    label: str  # as the file writes it: "spam", "ham", or whatever labels a scored file uses
    line: int  # where the row starts in its file, for messages and for telling rows apart
    kind: str = ""
    language: str = ""
    author_name: str = ""
    author_url: str = ""
    id: str = ""
    file: str = ""

    @property
    def is_spam(self) -> bool:
        return self.label == SPAM_LABEL

    @property
    def spam_input(self) -> SpamInput:
        return SpamInput(text=self.text, author_name=self.author_name, author_url=self.author_url)


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise LabelledDataError(
            f"{name}, line {line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "save the file as UTF-8 CSV."
        ) from error


def parse_labelled_csv(data: bytes, *, name: str) -> list[LabelledComment]:
    """Every row of a CSV file's bytes, or LabelledDataError naming the line at fault."""
    text = _decode(data, name)
    if not text.strip():
        raise LabelledDataError(
            f"{name}, line 1: the file is empty; it needs a header line with the columns "
            f"{','.join(REQUIRED_COLUMNS)} and one comment per line after it."
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [column.strip().lower() for column in next(reader)]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise LabelledDataError(
                f"{name}, line 1: the header has no {' or '.join(missing)} column; it has "
                f"{','.join(header) or 'nothing'} (required: {','.join(REQUIRED_COLUMNS)})."
            )
        comments = []
        line = reader.line_num + 1
        for row in reader:
            if not any(field.strip() for field in row):
                line = reader.line_num + 1
                continue
            if len(row) != len(header):
                raise LabelledDataError(
                    f"{name}, line {line}: expected {len(header)} fields "
                    f"({','.join(header)}), found {len(row)}."
                )
            values = dict(zip(header, row, strict=True))
            if not values["text"].strip():
                raise LabelledDataError(f"{name}, line {line}: the text is empty.")
            if not values["label"].strip():
                raise LabelledDataError(f"{name}, line {line}: the label is empty.")
            comments.append(
                LabelledComment(
                    text=values["text"],
                    label=values["label"].strip(),
                    line=line,
                    kind=values.get("kind", "").strip(),
                    language=values.get("language", "").strip(),
                    author_name=values.get("author_name", "").strip(),
                    author_url=values.get("author_url", "").strip(),
                    id=values.get("id", "").strip(),
                    file=name,
                )
            )
            line = reader.line_num + 1
    except csv.Error as error:
        raise LabelledDataError(
            f"{name}, line {reader.line_num}: not readable as CSV ({error})."
        ) from error
    if not comments:
        raise LabelledDataError(f"{name}, line 2: the file has a header but no comments.")
    return comments


def read_labelled_file(path: Path) -> list[LabelledComment]:
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise LabelledDataError(f"{path}: there is no such file.") from error
    except IsADirectoryError as error:
        raise LabelledDataError(f"{path}: this is a folder, not a CSV file.") from error
    return parse_labelled_csv(data, name=str(path))


def check_spam_or_ham(comments: list[LabelledComment]) -> list[LabelledComment]:
    """The comments, if every label is spam or ham (what training needs)."""
    for comment in comments:
        if comment.label not in {SPAM_LABEL, HAM_LABEL}:
            raise LabelledDataError(
                f"{comment.file}, line {comment.line}: the label must be {SPAM_LABEL} or "
                f"{HAM_LABEL} to learn from, not {comment.label!r}."
            )
    return comments


def read_labelled_directory(directory: Path) -> list[LabelledComment]:
    """Every comment of every `*.csv` file in a folder, files in name order."""
    if not directory.is_dir():
        raise LabelledDataError(f"{directory}: there is no such folder.")
    files = sorted(directory.glob("*.csv"))
    if not files:
        raise LabelledDataError(f"{directory}: the folder has no .csv files.")
    return [comment for path in files for comment in read_labelled_file(path)]


def read_labelled_paths(paths: list[Path]) -> list[LabelledComment]:
    """Files, and folders of files, in the order given."""
    return [
        comment
        for path in paths
        for comment in (
            read_labelled_directory(path) if path.is_dir() else read_labelled_file(path)
        )
    ]


def shipped_comments(name: str = SHIPPED_SET) -> list[LabelledComment]:
    """A labelled set shipped in screening/data, read from the installed package."""
    data = resources.files("broadsheet.screening").joinpath("data", name).read_bytes()
    return check_spam_or_ham(parse_labelled_csv(data, name=name))
