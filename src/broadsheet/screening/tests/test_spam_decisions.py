"""Moderators' decisions become examples, and every so many of them retrain the classifier."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from pytest_django import DjangoCaptureOnCommitCallbacks

from broadsheet.screening.models import SpamExample, SpamExampleSource, SpamModel
from broadsheet.screening.spam import (
    RETRAIN_EVERY_DECISIONS,
    forget_loaded_spam_model,
    record_moderation_decision,
    retrain_spam_model,
    spam_score,
    train_spam_model,
    unlearned_decisions,
)
from broadsheet.screening.tests.spam_factories import made_up_comments, seed_examples


@pytest.fixture(autouse=True)
def _fresh_process() -> Iterator[None]:
    forget_loaded_spam_model()
    yield
    forget_loaded_spam_model()


def decide(comments: list[tuple[str, bool]], capture: DjangoCaptureOnCommitCallbacks) -> None:
    """Each decision in its own committed transaction, as the queue makes them."""
    for text, is_spam in comments:
        with capture(execute=True), transaction.atomic():
            record_moderation_decision(text=text, is_spam=is_spam)


def test_a_decision_is_kept_as_a_moderator_example(db: None) -> None:
    example = record_moderation_decision(text="Subscribe to my channel!", is_spam=True)
    stored = SpamExample.objects.get()
    assert stored == example
    assert stored.is_spam
    assert stored.source == SpamExampleSource.MODERATOR
    assert stored.text == "Subscribe to my channel!"


def test_every_nth_decision_retrains_once_it_commits(
    db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    seed_examples()  # enough of each class, imported, not yet trained on
    decisions = made_up_comments(spam=RETRAIN_EVERY_DECISIONS, ham=RETRAIN_EVERY_DECISIONS, seed=7)

    decide(decisions[: RETRAIN_EVERY_DECISIONS - 1], django_capture_on_commit_callbacks)
    assert not SpamModel.objects.exists()
    assert spam_score(text="Subscribe to my channel!") is None

    # The default task backend (ImmediateBackend) runs the retraining at once, after commit.
    last = RETRAIN_EVERY_DECISIONS - 1
    decide(decisions[last : last + 1], django_capture_on_commit_callbacks)
    model = SpamModel.objects.get()
    assert model.last_example_id == SpamExample.objects.latest("id").pk
    assert unlearned_decisions() == 0
    assert spam_score(text="Subscribe to my channel!") is not None

    decide(decisions[RETRAIN_EVERY_DECISIONS:], django_capture_on_commit_callbacks)
    assert SpamModel.objects.count() == 2


def test_a_rolled_back_decision_neither_stays_nor_retrains(
    db: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    seed_examples()
    decide(made_up_comments(spam=12, ham=12, seed=3), django_capture_on_commit_callbacks)

    def decide_then_fail() -> None:
        with transaction.atomic():
            record_moderation_decision(text="Win a free phone at www.x.example", is_spam=True)
            raise RuntimeError("the moderator's action failed after the decision")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        decide_then_fail()
    assert callbacks == []
    assert unlearned_decisions() == 24
    assert not SpamModel.objects.exists()


def test_the_retraining_task_reports_too_few_examples_without_failing(db: None) -> None:
    record_moderation_decision(text="Subscribe to my channel!", is_spam=True)
    result = retrain_spam_model.enqueue()
    assert result.status == "SUCCESSFUL"
    assert result.return_value["trained"] is False
    assert "needs at least" in result.return_value["reason"]


def test_the_retraining_task_trains_and_names_the_version(db: None) -> None:
    seed_examples()
    result = retrain_spam_model.enqueue()
    assert result.return_value == {"trained": True, "version": SpamModel.objects.get().version}
    assert train_spam_model().version == result.return_value["version"]
