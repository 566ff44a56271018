"""Spam scoring of comments, learned from moderators' decisions.

The queue calls `record_moderation_decision` when a moderator approves a held comment (not
spam) or rejects it as spam; every `RETRAIN_EVERY_DECISIONS` decisions a retraining task is
enqueued after the decision commits. `train_spam_model` fits on the examples and stores the
model in the database, so every worker process and every machine scores with the same one;
`assess_spam` / `spam_score` score a new comment with the newest stored model, loaded once
per process. `import_spam_examples` seeds a site from a labelled file.

The classifier (text normalization, features, threshold choice) is in spam_classifier.py;
what it achieves on real labelled comments is in docs/moderation.md.
"""

from __future__ import annotations

import logging
import pickle
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.tasks import task

from broadsheet.screening.models import SpamExample, SpamExampleSource, SpamModel
from broadsheet.screening.spam_classifier import (
    PIPELINE_FORMAT,
    NotEnoughSpamExamples,
    SpamPipeline,
    fit_spam_classifier,
    spam_probabilities,
)
from broadsheet.screening.spam_dataset import LabelledComment

logger = logging.getLogger(__name__)

# Retraining costs a few seconds (docs/moderation.md); a model that has not yet seen the last
# couple of dozen decisions loses little, and on the embedded default the retraining runs in
# the request of the moderator whose decision triggered it.
RETRAIN_EVERY_DECISIONS = 25
# Spam changes with time, so the newest examples matter most; this also bounds training time
# and memory (about a minute at this size on a small machine).
MAX_TRAINING_EXAMPLES = 20_000
# The newest model is used; two older ones stay so that a bad retraining can be undone by
# deleting the newest row, without storing every model ever fitted (a few hundred kB each).
KEEP_SPAM_MODELS = 3


@dataclass(frozen=True)
class SpamAssessment:
    """A comment's spam score with the threshold and model version that produced it."""

    score: float
    threshold: float
    model_version: int

    @property
    def hold(self) -> bool:
        """Whether the comment should wait in the moderation queue."""
        return self.score >= self.threshold


@dataclass(frozen=True)
class LoadedSpamModel:
    version: int
    trained_at: datetime  # with the id, tells a model apart from a later one given a reused id
    pipeline: SpamPipeline
    threshold: float


# One unpickled model per process: unpickling costs tens of milliseconds and megabytes, and
# every comment posted is scored.
_loaded: LoadedSpamModel | None = None
_loading = threading.Lock()
_skipped_versions: set[int] = set()


def forget_loaded_spam_model() -> None:
    """Drop this process's copy of the model, as a fresh process starts without one."""
    global _loaded
    with _loading:
        _loaded = None
        _skipped_versions.clear()


def current_spam_model() -> LoadedSpamModel | None:
    """The newest stored model, loaded once per process and again when a newer one is stored.

    Costs one indexed query per call to learn the newest version; the pickle is read only
    when that version is not the one in memory. (A version is the id with the training
    time: SQLite may give a deleted newest row's id to the next model.) A model written by
    other code or another scikit-learn release (after an upgrade) is not loaded: scores are
    None until `train_spam_model` runs again.
    """
    global _loaded
    newest = SpamModel.objects.order_by("-id").values("id", "trained_at", "pipeline_format").first()
    if newest is None:
        return None
    version, trained_at = newest["id"], newest["trained_at"]
    loaded = _loaded
    if loaded is not None and (loaded.version, loaded.trained_at) == (version, trained_at):
        return loaded
    if newest["pipeline_format"] != PIPELINE_FORMAT:
        if version not in _skipped_versions:
            _skipped_versions.add(version)
            logger.warning(
                "Spam model %s was written by %s, not %s; retrain it (broadsheet manage "
                "train_spam_model). Comments are not scored until then.",
                version,
                newest["pipeline_format"],
                PIPELINE_FORMAT,
            )
        return None
    with _loading:
        if _loaded is not None and (_loaded.version, _loaded.trained_at) == (version, trained_at):
            return _loaded
        row = SpamModel.objects.filter(id=version).values("pipeline", "threshold").first()
        if row is None:  # deleted between the two queries: the next call sees the new newest
            return None
        # Safe only because these bytes were written by train_spam_model (see SpamModel).
        pipeline = pickle.loads(zlib.decompress(bytes(row["pipeline"])))  # noqa: S301
        _loaded = LoadedSpamModel(
            version=version, trained_at=trained_at, pipeline=pipeline, threshold=row["threshold"]
        )
        return _loaded


def assess_spam(*, text: str) -> SpamAssessment | None:
    """Score a comment's text with the current model; None while there is no model.

    Give the same form of text that `record_moderation_decision` is given (the queue gives
    the subject and the Markdown body, one per line), so that the model scores what it
    learned from. Markdown, HTML and plain text are all normalized; link targets are kept.
    """
    model = current_spam_model()
    if model is None:
        return None
    score = float(spam_probabilities(model.pipeline, [text])[0])
    return SpamAssessment(score=score, threshold=model.threshold, model_version=model.version)


def spam_score(*, text: str) -> float | None:
    """The probability, 0..1, that the text is spam; None while there is no model."""
    assessment = assess_spam(text=text)
    return assessment.score if assessment else None


def record_moderation_decision(*, text: str, is_spam: bool) -> SpamExample:
    """Keep a moderator's decision as a training example, and retrain now and then.

    Called by the queue: approving a held comment records ham, rejecting it as spam records
    spam. Every `RETRAIN_EVERY_DECISIONS`-th decision not yet learned enqueues a retraining
    once the surrounding transaction commits, so that the model never learns a decision
    that was rolled back and the retraining never holds the decision's locks.
    """
    example = SpamExample.objects.create(
        text=text, is_spam=is_spam, source=SpamExampleSource.MODERATOR
    )
    if unlearned_decisions() % RETRAIN_EVERY_DECISIONS == 0:
        transaction.on_commit(enqueue_spam_model_retraining, robust=True)
    return example


def unlearned_decisions() -> int:
    """How many moderators' decisions the newest model has not learned from."""
    newest = SpamModel.objects.order_by("-id").values_list("last_example_id", flat=True).first()
    decisions = SpamExample.objects.filter(source=SpamExampleSource.MODERATOR)
    if newest is not None:
        decisions = decisions.filter(id__gt=newest)
    return decisions.count()


def enqueue_spam_model_retraining() -> None:
    retrain_spam_model.enqueue()


@task()
def retrain_spam_model() -> dict[str, object]:
    """The background task: train, or say why not (too few examples is not a failure)."""
    try:
        model = train_spam_model()
    except NotEnoughSpamExamples as error:
        return {"trained": False, "reason": error.message}
    return {"trained": True, "version": model.version}


def train_spam_model(*, seed: int = 0) -> SpamModel:
    """Fit on the newest examples, store the model, and return it.

    Returns the newest stored model unchanged when it already learned every example with
    this code and library (several enqueued retrainings then cost one). Raises
    NotEnoughSpamExamples when either class has fewer than MIN_EXAMPLES_PER_CLASS texts.
    Runs outside any transaction it could slow down: the fit takes seconds, the write one
    statement.
    """
    newest_example_id = SpamExample.objects.aggregate(newest=Max("id"))["newest"] or 0
    newest_model = SpamModel.objects.defer("pipeline").order_by("-id").first()
    if (
        newest_model is not None
        and newest_model.pipeline_format == PIPELINE_FORMAT
        and newest_model.last_example_id >= newest_example_id
    ):
        return newest_model
    rows = list(
        SpamExample.objects.filter(id__lte=newest_example_id)
        .order_by("-id")
        .values_list("text", "is_spam")[:MAX_TRAINING_EXAMPLES]
    )
    fitted = fit_spam_classifier(
        texts=[text for text, _ in rows], labels=[is_spam for _, is_spam in rows], seed=seed
    )
    model = SpamModel.objects.create(
        pipeline_format=PIPELINE_FORMAT,
        pipeline=zlib.compress(pickle.dumps(fitted.pipeline, protocol=pickle.HIGHEST_PROTOCOL)),
        threshold=fitted.hold.threshold,
        cv_precision=fitted.hold.precision,
        cv_recall=fitted.hold.recall,
        spam_examples=fitted.spam_examples,
        ham_examples=fitted.ham_examples,
        last_example_id=newest_example_id,
        training_seconds=fitted.seconds,
    )
    keep = SpamModel.objects.order_by("-id").values_list("id", flat=True)[:KEEP_SPAM_MODELS]
    SpamModel.objects.exclude(id__in=list(keep)).delete()
    return model


def import_spam_examples(*, comments: Sequence[LabelledComment]) -> int:
    """Add labelled comments as examples; rows imported before are skipped. Returns how many
    were added. It does not train: the caller decides when (the import command trains once,
    after every file)."""
    before = SpamExample.objects.filter(source=SpamExampleSource.IMPORT).count()
    SpamExample.objects.bulk_create(
        [
            SpamExample(
                text=comment.text,
                is_spam=comment.is_spam,
                source=SpamExampleSource.IMPORT,
                external_id=comment.id,
            )
            for comment in comments
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return SpamExample.objects.filter(source=SpamExampleSource.IMPORT).count() - before
