"""The spam filter's services: score a comment, learn from moderators, remember spammers'
addresses, and retrain in the background.

A fresh site scores with the **seed model**, fitted from the labelled blog comments shipped
in screening/data (the same every time, from the same file). Moderators' decisions (approve,
reject as spam, not spam) are kept as examples; every `RETRAIN_EVERY_DECISIONS` of them, a
retraining task is queued once the decision commits, and the worker (`broadsheet worker`,
started by `broadsheet serve`) fits a model on the seed data and the site's decisions,
weighing the site's more (`SEED_WEIGHT`), and stores it in the database. Every process then
scores with the newest stored model, loaded once per process; a process that finds none
fits the seed model itself, once. Nothing trains in a moderator's request.

The classifier (features, the two stages, weights) is in spam_classifier.py and
spam_features.py; what it achieves is in docs/moderation.md.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from types import ModuleType
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Max
from django.tasks import task
from django.utils import timezone

from broadsheet.screening.links import find_links, host_of, registered_domain
from broadsheet.screening.models import (
    RememberedSpam,
    SpamExample,
    SpamExampleSource,
    SpamModel,
)
from broadsheet.screening.spam_dataset import SHIPPED_SET, LabelledComment, shipped_comments
from broadsheet.screening.spam_features import SpamInput

if TYPE_CHECKING:
    from broadsheet.screening.spam_classifier import SpamPipeline


def _classifier() -> ModuleType:
    """The classifier module, imported when a model is first fitted or used: scikit-learn
    and SciPy add about 100 MB to a process, and a web worker that only serves pages never
    needs them (issue 10's memory budget per worker)."""
    from broadsheet.screening import spam_classifier

    return spam_classifier


logger = logging.getLogger(__name__)

# A retraining takes seconds to a minute in the worker; a model that has not yet seen the last
# couple of dozen decisions loses little.
RETRAIN_EVERY_DECISIONS = 25
# The whole seed set (shipped and imported comments) weighs as much as this many of the
# site's own decisions, however many comments it holds: from the 41st decision on, the site's
# data outweighs it (docs/moderation.md, "Learning from the site").
SEED_WEIGHT = 40.0
# Spam changes with time, so the newest decisions matter most; this also bounds training time
# and memory in the worker.
MAX_TRAINING_EXAMPLES = 20_000
# The newest model is used; two older ones stay so that a bad retraining can be undone by
# deleting the newest row, without storing every model ever fitted.
KEEP_SPAM_MODELS = 3
SEED_VERSION = 0  # the version of the seed model a process fits for itself


@cache
def seed_fingerprint() -> str:
    """A short hash of the shipped blog comments: a stored model fitted on other seed data
    (an older release's) is retrained rather than used."""
    data = resources.files("broadsheet.screening").joinpath("data", SHIPPED_SET).read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


def model_format() -> str:
    """The code, library and seed data a stored model must have been fitted with to be used."""
    return f"{_classifier().PIPELINE_FORMAT}/seed-{seed_fingerprint()}"


@dataclass(frozen=True)
class SpamAssessment:
    """A comment's spam score and the model version that gave it (0: the seed model)."""

    score: float
    model_version: int


@dataclass(frozen=True)
class LoadedSpamModel:
    version: int
    trained_at: datetime | None  # with the id, tells a model apart from a later one
    pipeline: SpamPipeline


# One model per process: unpickling costs tens of milliseconds, fitting the seed seconds, and
# every comment posted is scored.
_loaded: LoadedSpamModel | None = None
_seed: LoadedSpamModel | None = None
_loading = threading.RLock()  # the seed may be fitted while a stored model is being loaded
_skipped_versions: set[int] = set()


def forget_loaded_spam_model() -> None:
    """Drop this process's copies of the models, as a fresh process starts without them."""
    global _loaded, _seed
    with _loading:
        _loaded = None
        _seed = None
        _skipped_versions.clear()


def seed_examples() -> list[LabelledComment]:
    return shipped_comments()


def seed_spam_model() -> LoadedSpamModel:
    """The model fitted on the shipped blog comments alone, once per process."""
    global _seed
    with _loading:
        if _seed is None:
            started = time.perf_counter()
            examples = seed_examples()
            pipeline = _classifier().fit_spam_pipeline(
                items=[example.spam_input for example in examples],
                labels=[example.is_spam for example in examples],
            )
            _seed = LoadedSpamModel(version=SEED_VERSION, trained_at=None, pipeline=pipeline)
            logger.info(
                "Fitted the seed spam model in %.1f s (no stored model yet; the worker "
                "stores one).",
                time.perf_counter() - started,
            )
        return _seed


def current_spam_model() -> LoadedSpamModel:
    """The newest stored model, loaded once per process and again when a newer one is stored;
    the seed model while no usable model is stored.

    Costs one indexed query per call to learn the newest version; the pickle is read only
    when that version is not the one in memory. (A version is the id with the training
    time: SQLite may give a deleted newest row's id to the next model.) A model written by
    other code, another scikit-learn release or from other seed data is not loaded; the
    worker retrains when it starts.
    """
    global _loaded
    newest = SpamModel.objects.order_by("-id").values("id", "trained_at", "pipeline_format").first()
    if newest is None:
        return seed_spam_model()
    version, trained_at = newest["id"], newest["trained_at"]
    loaded = _loaded
    if loaded is not None and (loaded.version, loaded.trained_at) == (version, trained_at):
        return loaded
    if newest["pipeline_format"] != model_format():
        if version not in _skipped_versions:
            _skipped_versions.add(version)
            logger.warning(
                "Spam model %s was written by %s, not %s; scoring with the seed model until "
                "the worker retrains (or run broadsheet manage train_spam_model).",
                version,
                newest["pipeline_format"],
                model_format(),
            )
        return seed_spam_model()
    with _loading:
        if _loaded is not None and (_loaded.version, _loaded.trained_at) == (version, trained_at):
            return _loaded
        row = SpamModel.objects.filter(id=version).values("pipeline").first()
        if row is None:  # deleted between the two queries: the next call sees the new newest
            return seed_spam_model()
        # Safe only because these bytes were written by train_spam_model (see SpamModel).
        pipeline = pickle.loads(zlib.decompress(bytes(row["pipeline"])))  # noqa: S301
        _loaded = LoadedSpamModel(version=version, trained_at=trained_at, pipeline=pipeline)
        return _loaded


def assess_spam(*, comment: SpamInput) -> SpamAssessment:
    """Score a comment with the current model (the seed model on a fresh site).

    Give the form of text that `record_moderation_decision` is given (the subject and the
    Markdown body, one per line), so that the model scores what it learned from.
    """
    model = current_spam_model()
    score = float(_classifier().spam_probabilities(model.pipeline, [comment])[0])
    return SpamAssessment(score=score, model_version=model.version)


def assess_spam_many(comments: Sequence[SpamInput]) -> list[float]:
    """Scores of many comments at once (the `spam score` command), with the current model."""
    if not comments:
        return []
    return [
        float(score)
        for score in _classifier().spam_probabilities(current_spam_model().pipeline, comments)
    ]


# Remembered spam ----------------------------------------------------------------------------


def normalized_author_url(url: str) -> str:
    """An author URL as remembered: host without `www.` and path, lower case, no trailing /."""
    url = url.strip()
    if not url:
        return ""
    host = host_of(url)
    path = url.split(host, 1)[1] if host and host in url else ""
    return f"{host}{path.split('?', 1)[0]}".rstrip("/").lower()


def _addresses(comment: SpamInput, email: str) -> list[tuple[str, str]]:
    """The (kind, value) pairs a comment carries that can be remembered."""
    found = [(RememberedSpam.Kind.DOMAIN.value, link.domain) for link in find_links(comment.text)]
    if comment.author_url.strip():
        found.append(
            (RememberedSpam.Kind.AUTHOR_URL.value, normalized_author_url(comment.author_url))
        )
        found.append((RememberedSpam.Kind.DOMAIN.value, registered_domain(comment.author_url)))
    if email.strip():
        found.append((RememberedSpam.Kind.EMAIL.value, email.strip().lower()))
    return list(dict.fromkeys((kind, value) for kind, value in found if value))


def remember_spam(*, comment: SpamInput, email: str = "") -> None:
    """Keep the link domains, author URL and e-mail of a comment rejected as spam."""
    now = timezone.now()
    for kind, value in _addresses(comment, email):
        remembered, created = RememberedSpam.objects.get_or_create(
            kind=kind, value=value[:300], defaults={"created": now, "last_rejected": now}
        )
        if not created:
            RememberedSpam.objects.filter(pk=remembered.pk).update(
                rejected_comments=F("rejected_comments") + 1, last_rejected=now
            )


def forget_spam(*, comment: SpamInput, email: str = "") -> int:
    """A moderator found a comment carrying these addresses genuine: stop holding them."""
    forgotten = 0
    for kind, value in _addresses(comment, email):
        forgotten += RememberedSpam.objects.filter(kind=kind, value=value[:300]).delete()[0]
    return forgotten


def remembered_spam_reasons(*, comment: SpamInput, email: str = "") -> list[str]:
    """Why a new comment is held for carrying what moderators rejected as spam; one query."""
    addresses = _addresses(comment, email)
    if not addresses:
        return []
    values = {value[:300] for _, value in addresses}
    found = set(RememberedSpam.objects.filter(value__in=values).values_list("kind", "value"))
    labels = {kind: label[0].lower() + label[1:] for kind, label in RememberedSpam.Kind.choices}
    return [
        f"{labels[kind]} {value} was rejected as spam before"
        for kind, value in addresses
        if (kind, value[:300]) in found
    ]


# Learning from decisions --------------------------------------------------------------------


def record_moderation_decision(
    *,
    text: str,
    is_spam: bool,
    author_name: str = "",
    author_url: str = "",
    email: str = "",
) -> SpamExample:
    """Keep a moderator's decision as a training example, and retrain now and then.

    Approving a held comment and "not spam" record a genuine comment and forget the addresses
    it carries; rejecting as spam records spam and remembers them. Every
    `RETRAIN_EVERY_DECISIONS`-th decision not yet learned enqueues a retraining once the
    surrounding transaction commits, so that the model never learns a decision that was
    rolled back and the moderator's request only adds a row to the task queue.
    """
    example = SpamExample.objects.create(
        text=text,
        author_name=author_name[:200],
        author_url=author_url[:500],
        is_spam=is_spam,
        source=SpamExampleSource.MODERATOR,
    )
    comment = SpamInput(text=text, author_name=author_name, author_url=author_url)
    if is_spam:
        remember_spam(comment=comment, email=email)
    else:
        forget_spam(comment=comment, email=email)
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
    except _classifier().NotEnoughSpamExamples as error:
        return {"trained": False, "reason": error.message}
    return {"trained": True, "version": model.version}


def training_weights(*, seed_count: int, site_count: int) -> list[float]:
    """Each example's weight before class balancing: the seed comments share SEED_WEIGHT, each
    of the site's own decisions weighs 1. Seed first, then the site's, as `train_spam_model`
    lists them."""
    seed_each = SEED_WEIGHT / seed_count if seed_count else 0.0
    if not site_count:
        seed_each = 1.0  # alone, the seed is all there is: plain, equal weights
    return [seed_each] * seed_count + [1.0] * site_count


def train_spam_model(*, seed: int = 0) -> SpamModel:
    """Fit on the seed data and the site's decisions, store the model, and return it.

    Returns the newest stored model unchanged when it already learned every example with
    this code, library and seed data (several enqueued retrainings then cost one). Runs
    outside any transaction it could slow down: the fit takes seconds, the write one
    statement.
    """
    newest_example_id = SpamExample.objects.aggregate(newest=Max("id"))["newest"] or 0
    newest_model = SpamModel.objects.defer("pipeline").order_by("-id").first()
    if (
        newest_model is not None
        and newest_model.pipeline_format == model_format()
        and newest_model.last_example_id >= newest_example_id
    ):
        return newest_model
    started = time.perf_counter()
    rows = list(
        SpamExample.objects.filter(id__lte=newest_example_id)
        .order_by("-id")
        .values_list("text", "author_name", "author_url", "is_spam", "source")[
            :MAX_TRAINING_EXAMPLES
        ]
    )
    seed_items = [example.spam_input for example in seed_examples()]
    seed_labels = [example.is_spam for example in seed_examples()]
    imported = [row for row in rows if row[4] == SpamExampleSource.IMPORT]
    site = [row for row in rows if row[4] == SpamExampleSource.MODERATOR]
    for text, name, url, is_spam, _ in imported:
        seed_items.append(SpamInput(text=text, author_name=name, author_url=url))
        seed_labels.append(is_spam)
    items = seed_items + [SpamInput(text=t, author_name=n, author_url=u) for t, n, u, _, _ in site]
    labels = seed_labels + [is_spam for _, _, _, is_spam, _ in site]
    pipeline = _classifier().fit_spam_pipeline(
        items=items,
        labels=labels,
        weights=training_weights(seed_count=len(seed_items), site_count=len(site)),
        seed=seed,
    )
    model = SpamModel.objects.create(
        pipeline_format=model_format(),
        pipeline=zlib.compress(pickle.dumps(pipeline, protocol=pickle.HIGHEST_PROTOCOL)),
        spam_examples=sum(labels),
        ham_examples=len(labels) - sum(labels),
        site_examples=len(site),
        last_example_id=newest_example_id,
        training_seconds=time.perf_counter() - started,
    )
    keep = SpamModel.objects.order_by("-id").values_list("id", flat=True)[:KEEP_SPAM_MODELS]
    SpamModel.objects.exclude(id__in=list(keep)).delete()
    return model


def spam_model_outdated() -> bool:
    """Whether the worker should train: no stored model of this format, or decisions unlearned."""
    newest = SpamModel.objects.order_by("-id").values("pipeline_format").first()
    return (
        newest is None or newest["pipeline_format"] != model_format() or bool(unlearned_decisions())
    )


def import_spam_examples(*, comments: Sequence[LabelledComment]) -> int:
    """Add labelled comments as seed examples; rows imported before (same id) are skipped.
    Returns how many were added. It does not train: the caller decides when."""
    before = SpamExample.objects.filter(source=SpamExampleSource.IMPORT).count()
    SpamExample.objects.bulk_create(
        [
            SpamExample(
                text=comment.text,
                author_name=comment.author_name[:200],
                author_url=comment.author_url[:500],
                is_spam=comment.is_spam,
                source=SpamExampleSource.IMPORT,
                external_id=(comment.id or f"{comment.file}:{comment.line}")[:200],
            )
            for comment in comments
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return SpamExample.objects.filter(source=SpamExampleSource.IMPORT).count() - before
