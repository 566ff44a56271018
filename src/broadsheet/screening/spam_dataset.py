"""Labelled comments in CSV files: the format of ../shared/data/comment-spam/ and of imports.

UTF-8, RFC 4180 quoting, header `id,source,text,label`, label `spam` or `ham`. The same reader
serves `evaluate_spam` (which measures the classifier on the shared data set, read where it
lies) and `import_spam_examples` (which seeds a site's classifier), so both refuse the same
broken files with the same messages.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from broadsheet.errors import InvalidInput

CSV_HEADER = ["id", "source", "text", "label"]
LABELS = {"spam": True, "ham": False}


class LabelledDataError(InvalidInput):
    """A labelled-comment file or folder that cannot be read as the format says."""

    code = "labelled_data"


@dataclass(frozen=True)
class LabelledComment:
    id: str
    source: str
    text: str
    is_spam: bool
    file: str  # the file's name, which names the video (or site) the comment came from


def read_labelled_file(path: Path) -> list[LabelledComment]:
    """Every row of one CSV file, or LabelledDataError naming the file and line at fault."""
    try:
        with path.open(newline="", encoding="utf-8") as stream:
            rows = list(csv.reader(stream, strict=True))
    except FileNotFoundError as error:
        raise LabelledDataError(f"{path}: there is no such file.") from error
    except UnicodeDecodeError as error:
        raise LabelledDataError(f"{path}: not UTF-8 text ({error.reason}).") from error
    except csv.Error as error:
        raise LabelledDataError(f"{path}: not a readable CSV file ({error}).") from error
    if not rows or rows[0] != CSV_HEADER:
        found = ",".join(rows[0]) if rows else "an empty file"
        raise LabelledDataError(
            f"{path}: the first line must be the header {','.join(CSV_HEADER)}; found {found}."
        )
    comments = []
    for line_number, row in enumerate(rows[1:], start=2):
        if len(row) != len(CSV_HEADER):
            raise LabelledDataError(
                f"{path}, line {line_number}: expected {len(CSV_HEADER)} fields "
                f"(id, source, text, label), found {len(row)}."
            )
        comment_id, source, text, label = row
        if label not in LABELS:
            raise LabelledDataError(
                f"{path}, line {line_number}: the label must be spam or ham, not {label!r}."
            )
        if not comment_id.strip() or not text.strip():
            raise LabelledDataError(f"{path}, line {line_number}: the id and text are required.")
        comments.append(
            LabelledComment(
                id=comment_id, source=source, text=text, is_spam=LABELS[label], file=path.name
            )
        )
    if not comments:
        raise LabelledDataError(f"{path}: the file has a header but no comments.")
    return comments


def read_labelled_directory(directory: Path) -> list[LabelledComment]:
    """Every comment of every `*.csv` file in a folder, files in name order."""
    if not directory.is_dir():
        raise LabelledDataError(f"{directory}: there is no such folder.")
    files = sorted(directory.glob("*.csv"))
    if not files:
        raise LabelledDataError(f"{directory}: the folder has no .csv files.")
    return [comment for path in files for comment in read_labelled_file(path)]
