"""The spam classifier's commands: evaluate on labelled files, import them, train."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from broadsheet.screening.management.commands.evaluate_spam import DATA_VARIABLE
from broadsheet.screening.models import SpamExample, SpamModel
from broadsheet.screening.spam import forget_loaded_spam_model, spam_score
from broadsheet.screening.tests.spam_factories import labelled_directory, write_labelled_csv


@pytest.fixture(autouse=True)
def _fresh_process() -> Iterator[None]:
    forget_loaded_spam_model()
    yield
    forget_loaded_spam_model()


def run(*arguments: str) -> str:
    output = StringIO()
    call_command(*arguments, stdout=output)
    return output.getvalue()


def test_the_evaluation_prints_markdown_tables_for_held_out_and_each_file_left_out(
    tmp_path: Path,
) -> None:
    data = labelled_directory(tmp_path / "labelled")
    report = run("evaluate_spam", "--data", str(data), "--seed", "3")

    assert "Data: site1.csv, site2.csv, site3.csv: 240 comments, 120 spam and 120 ham" in report
    assert "seed 3" in report
    rows = [line for line in report.splitlines() if line.startswith("| ")]
    names = [row.split(" | ")[0].removeprefix("| ") for row in rows]
    for name in (
        "held-out 25%",
        "held-out 25%, duplicated texts removed",
        "leave out site1.csv",
        "leave out site2.csv, duplicated texts removed",
        "leave out site3.csv",
    ):
        assert name in names
    assert "P = r*R / (r*R + (1 - r)*FPR), with r = 0.05" in report
    held_out = next(row for row in rows if row.startswith("| held-out 25% | 180 | 60 (30/30)"))
    spam_precision, spam_recall = held_out.split(" | ")[4:6]
    assert float(spam_precision) > 0.9
    assert float(spam_recall) > 0.9


def test_the_evaluation_reads_the_folder_named_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_VARIABLE, str(labelled_directory(tmp_path / "elsewhere", files=2)))
    report = run("evaluate_spam")
    assert "Data: site1.csv, site2.csv: 160 comments" in report


def test_the_evaluation_looks_beside_the_checkout_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATA_VARIABLE, raising=False)
    labelled_directory(tmp_path / "shared" / "data" / "comment-spam", files=2)
    checkout = tmp_path / "main"
    checkout.mkdir()
    monkeypatch.chdir(checkout)
    assert "160 comments" in run("evaluate_spam")


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="there is no such folder"):
        run("evaluate_spam", "--data", str(tmp_path / "nowhere"))


def test_a_folder_without_csv_files_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"the folder has no \.csv files"):
        run("evaluate_spam", "--data", str(tmp_path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("comment,label\nhello,ham\n", "the first line must be the header id,source,text,label"),
        ("", "found an empty file"),
        ("id,source,text,label\n1,x,hello,maybe\n", r"line 2: the label must be spam or ham"),
        ("id,source,text,label\n1,x,hello\n", "line 2: expected 4 fields"),
        ("id,source,text,label\n1,x,,spam\n", "line 2: the id and text are required"),
        ('id,source,text,label\n1,x,"unclosed,spam\n', "not a readable CSV file"),
        ("id,source,text,label\n", "a header but no comments"),
    ],
)
def test_a_malformed_csv_file_is_a_clear_error_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    labelled_directory(tmp_path, files=1)
    (tmp_path / "site2.csv").write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as raised:
        run("evaluate_spam", "--data", str(tmp_path))
    assert "site2.csv" in str(raised.value)


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "latin1.csv").write_bytes(
        "id,source,text,label\n1,x,caf\xe9,ham\n".encode("latin-1")
    )
    with pytest.raises(CommandError, match=r"latin1\.csv: not UTF-8 text"):
        run("evaluate_spam", "--data", str(tmp_path))


def test_importing_labelled_files_seeds_and_trains_the_classifier(db: None, tmp_path: Path) -> None:
    data = labelled_directory(tmp_path / "labelled", files=2)
    output = run("import_spam_examples", str(data / "site1.csv"), str(data / "site2.csv"))
    assert "Added 160 of 160 labelled comments." in output
    assert "Spam model" in output
    assert SpamExample.objects.count() == 160
    assert SpamModel.objects.count() == 1
    assert spam_score(text="Subscribe to my channel for free gift cards") is not None

    again = run("import_spam_examples", str(data))
    assert "Added 0 of 160 labelled comments." in again
    assert SpamModel.objects.count() == 1


def test_importing_too_few_examples_says_that_the_classifier_is_not_trained_yet(
    db: None, tmp_path: Path
) -> None:
    path = write_labelled_csv(tmp_path / "few.csv", [("Subscribe to me", True), ("Fair", False)])
    output = run("import_spam_examples", str(path))
    assert "Added 2 of 2" in output
    assert "Not trained yet: The spam classifier needs at least 60" in output
    assert not SpamModel.objects.exists()


def test_importing_a_malformed_file_adds_nothing(db: None, tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("id,source,text,label\n1,x,hello,unknown\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.csv, line 2"):
        run("import_spam_examples", str(path))
    assert not SpamExample.objects.exists()


def test_the_train_command_trains_or_says_why_not(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="needs at least 60"):
        run("train_spam_model")
    run("import_spam_examples", str(labelled_directory(tmp_path / "labelled", files=2)))
    assert "Spam model" in run("train_spam_model")
