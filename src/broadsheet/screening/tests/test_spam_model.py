"""The stored spam model: trained from examples, shared through the database, cached per process."""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator

import pytest
from pytest_django import DjangoAssertNumQueries

from broadsheet.screening.models import SpamExample, SpamExampleSource, SpamModel
from broadsheet.screening.spam import (
    KEEP_SPAM_MODELS,
    assess_spam,
    forget_loaded_spam_model,
    spam_score,
    train_spam_model,
)
from broadsheet.screening.spam_classifier import MIN_EXAMPLES_PER_CLASS, NotEnoughSpamExamples
from broadsheet.screening.tests.spam_factories import seed_examples

SPAM_TEXT = "Visit www.win-money.example and subscribe to my channel for a free phone!"
HAM_TEXT = "I doubt the mayor's figures on the bus cuts add up."


@pytest.fixture(autouse=True)
def _fresh_process() -> Iterator[None]:
    forget_loaded_spam_model()
    yield
    forget_loaded_spam_model()


def test_there_is_no_score_before_a_model_is_trained(db: None) -> None:
    assert spam_score(text=SPAM_TEXT) is None
    assert assess_spam(text=SPAM_TEXT) is None


def test_training_refuses_until_each_class_has_enough_examples(db: None) -> None:
    seed_examples(spam=MIN_EXAMPLES_PER_CLASS, ham=10)
    with pytest.raises(NotEnoughSpamExamples, match="it has 60 and 10"):
        train_spam_model()
    assert not SpamModel.objects.exists()


def test_a_trained_model_is_stored_with_its_version_threshold_and_examples(db: None) -> None:
    seed_examples()
    model = train_spam_model()
    stored = SpamModel.objects.get()
    assert stored.version == model.version
    assert stored.spam_examples == stored.ham_examples == MIN_EXAMPLES_PER_CLASS
    assert stored.last_example_id == SpamExample.objects.latest("id").pk
    assert 0 < stored.threshold < 1
    assert stored.training_seconds > 0
    assessment = assess_spam(text=SPAM_TEXT)
    assert assessment is not None
    assert assessment.model_version == model.version
    assert assessment.hold
    ham_score = spam_score(text=HAM_TEXT)
    assert ham_score is not None
    assert ham_score < stored.threshold <= assessment.score


def test_another_process_loads_the_stored_model_and_then_keeps_it(
    db: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    seed_examples()
    train_spam_model()
    score_here = spam_score(text=SPAM_TEXT)

    forget_loaded_spam_model()  # as a worker process that has never scored starts
    with django_assert_num_queries(2):  # which model is newest, then its pickle
        score_there = spam_score(text=SPAM_TEXT)
    with django_assert_num_queries(1):  # only which model is newest
        spam_score(text=HAM_TEXT)
    assert score_there == score_here


def test_a_newer_model_replaces_the_one_a_process_has_loaded(db: None) -> None:
    seed_examples()
    older = train_spam_model()
    assert assess_spam(text=SPAM_TEXT).model_version == older.version  # type: ignore[union-attr]

    seed_examples(seed=1)  # as if another process trained on more decisions
    newer = train_spam_model()
    assert newer.version > older.version
    assessment = assess_spam(text=SPAM_TEXT)
    assert assessment is not None
    assert assessment.model_version == newer.version
    assert assessment.threshold == newer.threshold
    forget_loaded_spam_model()
    assert spam_score(text=SPAM_TEXT) == assessment.score


def test_training_with_nothing_new_keeps_the_newest_model(db: None) -> None:
    seed_examples()
    first = train_spam_model()
    assert train_spam_model().pk == first.pk
    assert SpamModel.objects.count() == 1


def test_only_the_newest_models_are_kept(db: None) -> None:
    for seed in range(KEEP_SPAM_MODELS + 1):
        seed_examples(seed=seed)
        newest = train_spam_model()
    assert SpamModel.objects.count() == KEEP_SPAM_MODELS
    assert SpamModel.objects.latest().pk == newest.pk


def test_a_model_written_by_other_code_is_not_loaded_and_is_retrained(db: None) -> None:
    seed_examples()
    model = train_spam_model()
    SpamModel.objects.filter(pk=model.pk).update(
        pipeline_format="spam-pipeline-0/scikit-learn-0.1",
        pipeline=zlib.compress(pickle.dumps("never unpickled as a model")),
    )
    assert spam_score(text=SPAM_TEXT) is None
    retrained = train_spam_model()
    assert retrained.pk != model.pk
    assert spam_score(text=SPAM_TEXT) is not None


def test_importing_the_same_rows_twice_adds_them_once(db: None) -> None:
    assert seed_examples() == 2 * MIN_EXAMPLES_PER_CLASS
    assert seed_examples() == 0
    assert SpamExample.objects.filter(source=SpamExampleSource.IMPORT).count() == (
        2 * MIN_EXAMPLES_PER_CLASS
    )
