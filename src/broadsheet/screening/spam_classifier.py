"""The spam classifier itself: what it reads, how it is fitted, and how examples are weighed.

Pure functions over `SpamInput` values and labels, with no database: the shipped seed model
(`spam.seed_spam_model`), the site's retraining (`spam.train_spam_model`) and the measurement
on the labelled blog comments (`spam_evaluation`) all call `fit_spam_pipeline`, so the numbers
in docs/moderation.md describe the model a site actually runs.

scikit-learn ships no type information, so its objects are `Any` here; the `SpamPipeline`
protocol names the methods the rest of Broadsheet relies on.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any, Protocol

import numpy as np
import sklearn  # type: ignore[import-untyped]
from numpy.typing import NDArray
from sklearn.ensemble import HistGradientBoostingClassifier  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedGroupKFold  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion, Pipeline  # type: ignore[import-untyped]
from sklearn.preprocessing import FunctionTransformer  # type: ignore[import-untyped]
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

from broadsheet.errors import BroadsheetError
from broadsheet.screening.spam_features import (
    BOOSTED_COLUMNS,
    BOOSTED_SIGNALS,
    SpamInput,
    author_words,
    spam_signals,
)

# Bump when the pipeline's code changes (features, normalization, estimator), so that models
# pickled by the old code are retrained instead of being loaded into the new code.
PIPELINE_VERSION = 3
PIPELINE_FORMAT = f"spam-pipeline-{PIPELINE_VERSION}/scikit-learn-{sklearn.__version__}"

# A fit needs both kinds; below this many texts of either, what it learns is noise.
MIN_EXAMPLES_PER_CLASS = 20
# Measured with grouped cross-validation on the blog comments against 1, 3 and 30: the
# ranking is the same within noise, and 10 fits rare but telling n-grams.
REGULARIZATION_C = 10.0
# Folds of the out-of-fold scores the second stage learns from (SpamClassifier).
STACKING_FOLDS = 5


class NotEnoughSpamExamples(BroadsheetError):
    """Training was asked for before there were enough examples of each kind."""

    code = "not_enough_examples"
    status = 409


class SpamPipeline(Protocol):
    """What Broadsheet uses of a fitted scikit-learn pipeline."""

    def fit(
        self,
        items: Sequence[SpamInput],
        labels: NDArray[np.bool_],
        sample_weight: NDArray[np.float64] | None = None,
    ) -> Any: ...

    def predict_proba(self, items: Sequence[SpamInput]) -> NDArray[np.float64]: ...


class _TextAndLinks(HTMLParser):
    """Collects the words of an HTML fragment and the targets of its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._link: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")
        if tag == "a":
            self._link = next((value for name, value in attrs if name == "href" and value), None)
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link:
            if self._link not in "".join(self._link_text):
                self.parts.append(f" {self._link}")
            self._link = None
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._link:
            self._link_text.append(data)


def normalize_comment_text(text: str) -> str:
    """The words a reader sees, plus each link's target, on one line.

    Entities are decoded, tags dropped and whitespace collapsed, so a comment given as HTML
    and one given as Markdown look alike. Unlike `markup.plain_text`, the target of a link
    is kept after its text, because `<a href="https://spam.example">nice article</a>` hides
    exactly the part that gives spam away.
    """
    parser = _TextAndLinks()
    parser.feed(text)
    parser.close()
    return " ".join("".join(parser.parts).split())


def duplicate_key(text: str) -> str:
    """The form under which two comments count as the same text (case and spacing ignored)."""
    return " ".join(normalize_comment_text(text).casefold().split())


def comment_texts(items: Sequence[SpamInput]) -> list[str]:
    """The pipeline's view of each comment's text (its first step for the n-grams)."""
    return [normalize_comment_text(item.text) for item in items]


def author_texts(items: Sequence[SpamInput]) -> list[str]:
    return [author_words(item) for item in items]


def build_vectorizer() -> Any:
    """Comment -> n-grams of its text and of its author, and the shape signals.

    Word 1-2-grams catch phrases ("great post", "contact him on"); character 2-5-grams inside
    word boundaries catch spellings, inflections and pieces of addresses in any language or
    script ("casin", "-pills", "займ"); character n-grams of the author's name and address
    catch keyword names; the signals (spam_features.py) describe links, contact details and
    scripts.
    """
    return FeatureUnion(
        [
            (
                "words",
                _tfidf(comment_texts, TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ),
            (
                "characters",
                _tfidf(
                    comment_texts,
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                    ),
                ),
            ),
            (
                "author",
                _tfidf(
                    author_texts,
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
                ),
            ),
            ("signals", FunctionTransformer(spam_signals)),
        ]
    )


def _tfidf(texts: Any, vectorizer: Any) -> Any:
    return Pipeline([("text", FunctionTransformer(texts)), ("tfidf", vectorizer)])


def _linear(seed: int) -> Any:
    # The dual problem: with far more n-grams than comments it solves in a twentieth of the
    # time of the primal (0.2 s against 5.6 s on the shipped set), with the same model.
    return LogisticRegression(
        C=REGULARIZATION_C, solver="liblinear", dual=True, random_state=seed, max_iter=1000
    )


def _booster(seed: int) -> Any:
    # Shallow trees and a slow rate: a few hundred comments of each kind, and the job is to
    # combine one score with a score of signals, not to find subtle structure. Each input may
    # push one way only (the first stage's score up; spam_features.BOOSTED_SIGNALS).
    return HistGradientBoostingClassifier(
        max_depth=3,
        learning_rate=0.05,
        max_iter=200,
        l2_regularization=1.0,
        monotonic_cst=[1, *BOOSTED_SIGNALS.values()],
        random_state=seed,
    )


def _booster_inputs(scores: NDArray[np.float64], signals: NDArray[np.float64]) -> Any:
    return np.column_stack([scores, signals[:, BOOSTED_COLUMNS]])


class SpamClassifier:
    """Two stages: a logistic regression over every n-gram and signal gives a score; gradient
    boosted trees then decide from that score together with the signals.

    Why two: a linear model adds evidence up, so "generic praise" and "an author URL" each
    count the same whether or not the other is there, and a reader's short thanks signed
    with a personal site looked like an SEO drop. Trees see combinations (praise *and* a shop
    for an address, a phone number *and* "WhatsApp", a link *and* a cheap domain). The trees
    learn from scores the linear model gave to comments it did not see (out of fold, copies
    kept in one fold), so they learn how far to trust the score on new comments, not how
    well it remembers old ones. Measured against the linear model alone in docs/moderation.md.
    """

    def __init__(self, *, seed: int = 0) -> None:
        self.seed = seed
        self.vectorizer = build_vectorizer()
        self.linear = _linear(seed)
        self.booster = _booster(seed)

    def fit(
        self,
        items: Sequence[SpamInput],
        labels: NDArray[np.bool_],
        sample_weight: NDArray[np.float64] | None = None,
    ) -> SpamClassifier:
        weights = np.ones(len(items)) if sample_weight is None else sample_weight
        # The vocabulary is learned from every training comment (it reads no labels); only
        # the classifiers are cross-fitted.
        features = self.vectorizer.fit_transform(list(items))
        signals = spam_signals(items)
        scores = np.zeros(len(items))
        folds = StratifiedGroupKFold(n_splits=STACKING_FOLDS, shuffle=True, random_state=self.seed)
        groups = [duplicate_key(item.text) for item in items]
        for train, test in folds.split(features, labels, groups):
            fold = _linear(self.seed).fit(
                features[train], labels[train], sample_weight=weights[train]
            )
            scores[test] = fold.predict_proba(features[test])[:, 1]
        self.linear.fit(features, labels, sample_weight=weights)
        self.booster.fit(_booster_inputs(scores, signals), labels, sample_weight=weights)
        return self

    def predict_proba(self, items: Sequence[SpamInput]) -> NDArray[np.float64]:
        features = self.vectorizer.transform(list(items))
        scores = self.linear.predict_proba(features)[:, 1]
        # One thread: the trees' OpenMP threads cost more to start than one comment takes to
        # score (5 ms against 100 to 300 ms on a busy 2-CPU machine), and a web process has
        # requests, not cores, to spare.
        with _openmp_controller().limit(limits=1, user_api="openmp"):
            probabilities: NDArray[np.float64] = self.booster.predict_proba(
                _booster_inputs(scores, spam_signals(items))
            )
        return probabilities

    def linear_probabilities(self, items: Sequence[SpamInput]) -> NDArray[np.float64]:
        """The first stage's scores alone, for comparing the two in the evaluation."""
        scores: NDArray[np.float64] = self.linear.predict_proba(
            self.vectorizer.transform(list(items))
        )[:, 1]
        return scores


@functools.cache
def _openmp_controller() -> ThreadpoolController:
    """The process's thread pools, found once: `threadpool_limits` looks for them again on
    every call (reading the process's memory map), which cost each posted comment 9 ms.
    Made at the first scoring, once the trees' OpenMP library is loaded."""
    return ThreadpoolController()


def build_spam_pipeline(*, seed: int = 0) -> SpamPipeline:
    """An unfitted classifier (see SpamClassifier)."""
    return SpamClassifier(seed=seed)


def spam_probabilities(pipeline: SpamPipeline, items: Sequence[SpamInput]) -> NDArray[np.float64]:
    """Each comment's probability of being spam, 0..1, from a fitted pipeline."""
    return pipeline.predict_proba(items)[:, 1]


def balanced_weights(
    *, labels: Sequence[bool], weights: Sequence[float] | None = None
) -> NDArray[np.float64]:
    """Example weights with each class weighing the same in total, averaging 1.

    A site sees far more genuine comments than spam, and its moderators approve more than
    they reject; without balancing, the rarer class would be learned poorly. Averaging 1
    keeps the regularization as strong, relative to the data, whatever the weights.
    """
    label_array = np.asarray(labels, dtype=bool)
    base = np.ones(len(label_array)) if weights is None else np.asarray(weights, dtype=np.float64)
    balanced = base.copy()
    for value in (True, False):
        total = base[label_array == value].sum()
        if total > 0:
            balanced[label_array == value] *= 0.5 / total
    return balanced * (len(balanced) / balanced.sum())


def check_enough_examples(labels: Sequence[bool]) -> None:
    spam = sum(1 for label in labels if label)
    ham = len(labels) - spam
    if spam < MIN_EXAMPLES_PER_CLASS or ham < MIN_EXAMPLES_PER_CLASS:
        raise NotEnoughSpamExamples(
            f"The spam classifier needs at least {MIN_EXAMPLES_PER_CLASS} spam and "
            f"{MIN_EXAMPLES_PER_CLASS} genuine comments to learn from; it has {spam} and {ham}."
        )


def fit_spam_pipeline(
    *,
    items: Sequence[SpamInput],
    labels: Sequence[bool],
    weights: Sequence[float] | None = None,
    seed: int = 0,
) -> SpamPipeline:
    """Fit a new pipeline on labelled comments, each weighed as given (then class-balanced)."""
    check_enough_examples(labels)
    pipeline = build_spam_pipeline(seed=seed)
    pipeline.fit(
        list(items),
        np.asarray(labels, dtype=bool),
        sample_weight=balanced_weights(labels=labels, weights=weights),
    )
    return pipeline
