"""Made-up labelled comments for the spam classifier's tests.

Spam here promotes (channels, links, offers); ham talks about an article. Each text is
different, so that the minimum of different texts per class is what a test asks for.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from broadsheet.screening.spam import import_spam_examples
from broadsheet.screening.spam_classifier import MIN_EXAMPLES_PER_CLASS
from broadsheet.screening.spam_dataset import CSV_HEADER, LabelledComment

SPAM_OPENERS = ["Check out", "Visit", "Subscribe to", "Click", "Go to", "Don't miss"]
SPAM_OFFERS = [
    "my channel for free gift cards",
    "http://cheap-pills.example/buy for the best prices",
    "www.win-money.example and earn $500 a day",
    "my new music video, please subscribe and like",
    "http://bit.example/free-iphone to win a free phone",
    "casino bonus codes at www.lucky-spins.example",
]
HAM_OPENERS = ["I think", "Honestly,", "As a teacher,", "My neighbour says", "I doubt", "Surely"]
HAM_POINTS = [
    "the council should publish the budget before the vote",
    "the article misses how the bus cuts hit night workers",
    "the second paragraph contradicts the mayor's own figures",
    "this reporting on the flood defences was careful and fair",
    "the school closures deserve a follow-up piece",
    "the quoted survey had far too few people in it",
]


def made_up_comments(*, spam: int, ham: int, seed: int = 0) -> list[tuple[str, bool]]:
    """`spam` different promotional texts and `ham` different discussion texts, shuffled."""
    rng = random.Random(seed)
    texts: dict[str, bool] = {}
    while sum(texts.values()) < spam:
        text = f"{rng.choice(SPAM_OPENERS)} {rng.choice(SPAM_OFFERS)} #{rng.randrange(10**6)}"
        texts[text] = True
    while len(texts) - spam < ham:
        text = f"{rng.choice(HAM_OPENERS)} {rng.choice(HAM_POINTS)} ({rng.randrange(10**6)})"
        texts.setdefault(text, False)
    pairs = list(texts.items())
    rng.shuffle(pairs)
    return pairs


def write_labelled_csv(path: Path, comments: list[tuple[str, bool]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for number, (text, is_spam) in enumerate(comments):
            writer.writerow(
                [
                    f"{path.stem}-{number}",
                    f"made-up/{path.stem}",
                    text,
                    "spam" if is_spam else "ham",
                ]
            )
    return path


def labelled_directory(directory: Path, *, files: int = 3, per_class: int = 40) -> Path:
    """A folder like the shared data set: several files, each half spam."""
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(files):
        write_labelled_csv(
            directory / f"site{number + 1}.csv",
            made_up_comments(spam=per_class, ham=per_class, seed=number),
        )
    return directory


def seed_examples(
    *, spam: int = MIN_EXAMPLES_PER_CLASS, ham: int = MIN_EXAMPLES_PER_CLASS, seed: int = 0
) -> int:
    """Import made-up examples (without training), as an owner seeding the classifier would."""
    comments = [
        LabelledComment(
            id=f"{seed}-{number}", source="made-up", text=text, is_spam=is_spam, file="made-up"
        )
        for number, (text, is_spam) in enumerate(made_up_comments(spam=spam, ham=ham, seed=seed))
    ]
    return import_spam_examples(comments=comments)
