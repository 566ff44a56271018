"""Fitting the classifier and choosing its hold threshold, without the database."""

from __future__ import annotations

import pytest

from broadsheet.screening.spam_classifier import (
    MIN_EXAMPLES_PER_CLASS,
    NotEnoughSpamExamples,
    choose_hold_threshold,
    fit_spam_classifier,
    precision_lower_bound,
    spam_probabilities,
)
from broadsheet.screening.tests.spam_factories import made_up_comments


def test_training_refuses_with_too_few_different_texts_of_a_class() -> None:
    comments = made_up_comments(spam=MIN_EXAMPLES_PER_CLASS - 1, ham=MIN_EXAMPLES_PER_CLASS)
    with pytest.raises(NotEnoughSpamExamples, match=f"at least {MIN_EXAMPLES_PER_CLASS}"):
        fit_spam_classifier(
            texts=[text for text, _ in comments], labels=[label for _, label in comments]
        )


def test_copies_of_one_text_count_once_towards_the_minimum() -> None:
    comments = made_up_comments(spam=MIN_EXAMPLES_PER_CLASS, ham=MIN_EXAMPLES_PER_CLASS)
    spam_copies = [("Subscribe to my channel!", True)] * MIN_EXAMPLES_PER_CLASS
    ham = [pair for pair in comments if not pair[1]]
    with pytest.raises(NotEnoughSpamExamples, match="it has 1 and"):
        fit_spam_classifier(
            texts=[text for text, _ in spam_copies + ham],
            labels=[label for _, label in spam_copies + ham],
        )


def test_a_model_trained_on_made_up_comments_scores_obvious_spam_above_ham() -> None:
    comments = made_up_comments(spam=MIN_EXAMPLES_PER_CLASS, ham=MIN_EXAMPLES_PER_CLASS)
    fitted = fit_spam_classifier(
        texts=[text for text, _ in comments], labels=[label for _, label in comments]
    )
    spam, ham = spam_probabilities(
        fitted.pipeline,
        [
            "Subscribe to my channel and visit http://free-gift.example for free gift cards!",
            "I think the council should explain the budget before the vote.",
        ],
    )
    assert 0 <= ham < 0.5 < spam <= 1
    assert spam >= fitted.hold.threshold > ham
    assert fitted.spam_examples == fitted.ham_examples == MIN_EXAMPLES_PER_CLASS


def test_the_threshold_is_the_lowest_score_whose_precision_is_confidently_high() -> None:
    # 100 spam above 0.5, then one ham at 0.45, then 30 more spam, then ham.
    scores = [0.9] * 100 + [0.45] + [0.4] * 30 + [0.1] * 100
    labels = [True] * 100 + [False] + [True] * 30 + [False] * 100
    choice = choose_hold_threshold(scores=scores, labels=labels, target_precision=0.95)
    assert choice.threshold == 0.4
    assert choice.recall == 1.0
    assert choice.precision == pytest.approx(130 / 131)
    assert choice.reached_target


def test_a_precision_measured_on_few_comments_does_not_reach_the_target() -> None:
    # Ten right out of ten is a precision of 1.0, but too few to be sure of 0.95.
    choice = choose_hold_threshold(
        scores=[0.9] * 10 + [0.1] * 10, labels=[True] * 10 + [False] * 10, target_precision=0.95
    )
    assert choice.precision == 1.0
    assert not choice.reached_target
    assert choice.threshold == 0.9
    assert precision_lower_bound(true_positives=10, predicted_positives=10) < 0.95
    assert precision_lower_bound(true_positives=60, predicted_positives=60) > 0.95
