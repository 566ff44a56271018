"""Measuring the spam filter on labelled comments: grouped cross-validation and a held-out set.

Every measurement fits with `fit_spam_pipeline`, the function the seed model and the site's
retraining use, and applies the site's default thresholds, so the figures are those of the
filter a fresh site runs. Near-duplicates (character n-gram cosine similarity of at least
`NEAR_DUPLICATE_SIMILARITY`) always stay in one fold, so a comment is never vouched for by a
copy of itself. The held-out file was written apart from the shipped set and is only ever
scored, never trained on.
"""

from __future__ import annotations

import os
import platform
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import sklearn  # type: ignore[import-untyped]
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.metrics.pairwise import cosine_similarity  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedGroupKFold  # type: ignore[import-untyped]

from broadsheet.screening.models import (
    DEFAULT_SPAM_HOLD_THRESHOLD,
    DEFAULT_SPAM_REJECT_THRESHOLD,
)
from broadsheet.screening.spam_classifier import (
    SpamClassifier,
    fit_spam_pipeline,
    normalize_comment_text,
    spam_probabilities,
)
from broadsheet.screening.spam_dataset import LabelledComment

FOLDS = 5
# Comments this alike (cosine of character 3-5-gram TF-IDF) are one group: spun variants of
# one template, one campaign's message with another link. Measured: at 0.5 the pairs joined
# are variants a person would call the same comment; below 0.4 unrelated short replies
# ("Thanks, great read") start to join.
NEAR_DUPLICATE_SIMILARITY = 0.5
RATE_TABLE_HEADER = [
    "| model | genuine held or rejected | genuine rejected | spam held or rejected "
    "| spam rejected |",
    "|---|--:|--:|--:|--:|",
]
THRESHOLD_GRID = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def near_duplicate_groups(texts: Sequence[str]) -> list[int]:
    """A group number per text; texts joined by a chain of near-duplicates share one."""
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(
        [normalize_comment_text(text) for text in texts]
    )
    pairs = cosine_similarity(matrix, dense_output=False).tocoo()
    parent = list(range(len(texts)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for left, right, similarity in zip(pairs.row, pairs.col, pairs.data, strict=True):
        if left < right and similarity >= NEAR_DUPLICATE_SIMILARITY:
            parent[root(int(left))] = root(int(right))
    return [root(index) for index in range(len(texts))]


@dataclass(frozen=True)
class Rates:
    count: int
    held: int  # at or above the hold threshold, below the reject threshold
    rejected: int  # at or above the reject threshold

    @property
    def stopped(self) -> float:
        return (self.held + self.rejected) / self.count if self.count else 0.0


def rates(scores: NDArray[np.float64], *, hold: float, reject: float) -> Rates:
    rejected = int((scores >= reject).sum())
    return Rates(count=len(scores), held=int((scores >= hold).sum()) - rejected, rejected=rejected)


@dataclass
class Evaluation:
    comments: list[LabelledComment]
    groups: int
    seeds: tuple[int, ...]
    hold: float
    reject: float
    # Each seed's out-of-fold scores, stacked and first stage alone.
    stacked: list[NDArray[np.float64]] = field(default_factory=list)
    linear: list[NDArray[np.float64]] = field(default_factory=list)
    held_out: list[LabelledComment] = field(default_factory=list)
    held_out_scores: NDArray[np.float64] | None = None
    held_out_linear: NDArray[np.float64] | None = None
    fit_seconds: float = 0.0
    fit_cpu_seconds: float = 0.0
    score_milliseconds: float = 0.0
    run_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def labels(self) -> NDArray[np.bool_]:
        return np.array([comment.is_spam for comment in self.comments], dtype=bool)


def evaluate_spam_filter(
    *,
    comments: Sequence[LabelledComment],
    held_out: Sequence[LabelledComment] = (),
    seeds: Sequence[int] = (0, 1, 2),
    hold: float = DEFAULT_SPAM_HOLD_THRESHOLD,
    reject: float = DEFAULT_SPAM_REJECT_THRESHOLD,
) -> Evaluation:
    items = [comment.spam_input for comment in comments]
    labels = np.array([comment.is_spam for comment in comments], dtype=bool)
    groups = near_duplicate_groups([comment.text for comment in comments])
    evaluation = Evaluation(
        comments=list(comments),
        groups=len(set(groups)),
        seeds=tuple(seeds),
        hold=hold,
        reject=reject,
    )
    for seed in seeds:
        stacked = np.zeros(len(items))
        linear = np.zeros(len(items))
        folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
        for train, test in folds.split(items, labels, groups):
            pipeline = fit_spam_pipeline(
                items=[items[row] for row in train], labels=labels[train].tolist(), seed=seed
            )
            test_items = [items[row] for row in test]
            stacked[test] = spam_probabilities(pipeline, test_items)
            if isinstance(pipeline, SpamClassifier):
                linear[test] = pipeline.linear_probabilities(test_items)
        evaluation.stacked.append(stacked)
        evaluation.linear.append(linear)
    started, cpu_started = time.perf_counter(), time.process_time()
    shipped = fit_spam_pipeline(items=items, labels=labels.tolist())
    evaluation.fit_seconds = time.perf_counter() - started
    evaluation.fit_cpu_seconds = time.process_time() - cpu_started
    if held_out:
        evaluation.held_out = list(held_out)
        held_items = [comment.spam_input for comment in held_out]
        evaluation.held_out_scores = spam_probabilities(shipped, held_items)
        if isinstance(shipped, SpamClassifier):
            evaluation.held_out_linear = shipped.linear_probabilities(held_items)
    started = time.perf_counter()
    for item in items[:100]:
        spam_probabilities(shipped, [item])
    evaluation.score_milliseconds = (time.perf_counter() - started) * 1000 / min(len(items), 100)
    return evaluation


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _span(values: list[float]) -> str:
    return f"{min(values):.1%} to {max(values):.1%}" if len(values) > 1 else f"{values[0]:.1%}"


def spam_evaluation_markdown(evaluation: Evaluation) -> str:
    """The measurements as Markdown tables, ready for docs/moderation.md."""
    labels = evaluation.labels()
    hold, reject = evaluation.hold, evaluation.reject
    lines = []
    spam_count, ham_count = int(labels.sum()), int((~labels).sum())
    lines.append(
        f"Data: {len(labels):,} labelled blog comments ({spam_count:,} spam, {ham_count:,} "
        f"genuine) in {evaluation.groups:,} near-duplicate groups; held-out set: "
        f"{len(evaluation.held_out):,} comments."
    )
    lines.append("")
    lines.append(
        f"Run: {evaluation.run_at:%Y-%m-%d %H:%M} UTC, "
        f"seeds {', '.join(map(str, evaluation.seeds))}, "
        f"Python {platform.python_version()}, scikit-learn {sklearn.__version__}, "
        f"{os.cpu_count()} CPUs ({platform.machine()}). Thresholds: hold from {hold:g}, "
        f"reject from {reject:g}."
    )
    lines.append("")
    lines.append(
        f"{FOLDS}-fold cross-validation grouped by near-duplicates, once per seed (range over "
        "seeds):"
    )
    lines.append("")
    lines += RATE_TABLE_HEADER
    for name, runs in (
        ("two stages (shipped)", evaluation.stacked),
        ("first stage alone", evaluation.linear),
    ):
        ham = [rates(run[~labels], hold=hold, reject=reject) for run in runs]
        spam = [rates(run[labels], hold=hold, reject=reject) for run in runs]
        lines.append(
            f"| {name} | {_span([r.stopped for r in ham])} | "
            f"{_span([r.rejected / r.count for r in ham])} | {_span([r.stopped for r in spam])} | "
            f"{_span([r.rejected / r.count for r in spam])} |"
        )
    lines.append("")
    lines.append("By kind (two stages, all seeds' out-of-fold scores pooled):")
    lines.append("")
    lines.append("| label | kind | comments | held | rejected | held or rejected |")
    lines.append("|---|---|--:|--:|--:|--:|")
    pooled = np.concatenate(evaluation.stacked)
    pooled_comments = evaluation.comments * len(evaluation.stacked)
    by_kind: dict[tuple[str, str], list[float]] = defaultdict(list)
    by_language: dict[tuple[str, str], list[float]] = defaultdict(list)
    for comment, score in zip(pooled_comments, pooled, strict=True):
        by_kind[(comment.label, comment.kind or "-")].append(float(score))
        by_language[(comment.label, comment.language or "-")].append(float(score))
    for (label, kind), scores in sorted(by_kind.items()):
        r = rates(np.array(scores), hold=hold, reject=reject)
        lines.append(
            f"| {label} | {kind} | {r.count // len(evaluation.stacked):,} | "
            f"{r.held / r.count:.1%} | {r.rejected / r.count:.1%} | {r.stopped:.1%} |"
        )
    lines.append("")
    lines.append("By language (two stages, pooled):")
    lines.append("")
    lines.append("| label | language | comments | held or rejected |")
    lines.append("|---|---|--:|--:|")
    for (label, language), scores in sorted(by_language.items()):
        r = rates(np.array(scores), hold=hold, reject=reject)
        lines.append(
            f"| {label} | {language} | {r.count // len(evaluation.stacked):,} | {r.stopped:.1%} |"
        )
    lines.append("")
    lines.append("Other thresholds (two stages, pooled out-of-fold scores):")
    lines.append("")
    lines.append("| score at least | genuine comments reaching it | spam reaching it |")
    lines.append("|--:|--:|--:|")
    pooled_labels = np.concatenate([labels] * len(evaluation.stacked))
    for threshold in THRESHOLD_GRID:
        lines.append(
            f"| {threshold:g} | {(pooled[~pooled_labels] >= threshold).mean():.1%} | "
            f"{(pooled[pooled_labels] >= threshold).mean():.1%} |"
        )
    if evaluation.held_out_scores is not None:
        held_labels = np.array([comment.is_spam for comment in evaluation.held_out], dtype=bool)
        lines.append("")
        lines.append(
            "Held-out set, scored by the model fitted on the whole shipped set (the seed model):"
        )
        lines.append("")
        lines += RATE_TABLE_HEADER
        held_out_models = (
            ("two stages (shipped)", evaluation.held_out_scores),
            ("first stage alone", evaluation.held_out_linear),
        )
        for name, held_scores in held_out_models:
            if held_scores is None:
                continue
            ham_r = rates(held_scores[~held_labels], hold=hold, reject=reject)
            spam_r = rates(held_scores[held_labels], hold=hold, reject=reject)
            lines.append(
                f"| {name} | {ham_r.stopped:.1%} ({ham_r.held + ham_r.rejected} of "
                f"{ham_r.count}) | {ham_r.rejected / ham_r.count:.1%} | {spam_r.stopped:.1%} "
                f"({spam_r.held + spam_r.rejected} of {spam_r.count}) | "
                f"{spam_r.rejected / spam_r.count:.1%} |"
            )
    lines.append("")
    lines.append(
        f"Fitting the seed model: {evaluation.fit_seconds:.1f} s wall, "
        f"{evaluation.fit_cpu_seconds:.1f} s CPU; scoring one comment: "
        f"{evaluation.score_milliseconds:.1f} ms."
    )
    return "\n".join(lines) + "\n"
