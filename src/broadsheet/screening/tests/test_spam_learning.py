"""The site learns from its moderators' decisions, in the worker, and soon outweighs the seed."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from broadsheet.screening.models import (
    DEFAULT_SPAM_HOLD_THRESHOLD,
    SpamExample,
    SpamExampleSource,
    SpamModel,
)
from broadsheet.screening.spam import (
    RETRAIN_EVERY_DECISIONS,
    SEED_VERSION,
    SEED_WEIGHT,
    assess_spam,
    assess_spam_many,
    current_spam_model,
    record_moderation_decision,
    retrain_spam_model,
    seed_examples,
    training_weights,
)
from broadsheet.screening.spam_features import SpamInput
from broadsheet.worker import run_worker

pytestmark = pytest.mark.django_db

COINS = ["bitcoin", "ETH", "solana", "USDT", "litecoin", "BNB", "cardano"]
RETURNS = ["2% daily", "5% weekly", "3% daily", "10% monthly", "1.5% daily", "4% weekly"]


def club_talk(number: int) -> str:
    """What members of a crypto investors' club write on its own site, with the club's
    referral link. The seed data has seen such words and links only from scammers; on this
    site they are the members' genuine talk. (Without the link, the seed no longer holds all
    of them: a boast that offers no way back to anyone sells nothing.)"""
    coin = COINS[number % len(COINS)]
    paid = RETURNS[(number * 5) % len(RETURNS)]
    hours = 1 + number % 9
    return (
        f"My {coin} staking pool paid {paid} again, withdrawal came through in {hours} hours. "
        "Best investment platform I have used! https://stakehaven.example/join?ref=club"
    )


def test_the_seed_counts_as_forty_decisions_so_fifty_of_the_sites_outweigh_it():
    weights = training_weights(seed_count=900, site_count=50)
    seed, site = sum(weights[:900]), sum(weights[900:])
    assert seed == pytest.approx(SEED_WEIGHT)
    assert site == 50 > seed
    assert training_weights(seed_count=900, site_count=0) == [1.0] * 900


def test_every_twenty_fifth_decision_queues_a_retraining_after_it_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(RETRAIN_EVERY_DECISIONS - 1):
            record_moderation_decision(text=club_talk(number), is_spam=False)
    assert not DBTaskResult.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        record_moderation_decision(text=club_talk(99), is_spam=False)
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == retrain_spam_model.module_path
    assert SpamExample.objects.filter(source=SpamExampleSource.MODERATOR).count() == 25
    assert not SpamModel.objects.exists()  # nothing trained in the moderator's request


# The worker closes and reopens its database connection between tasks, as a long-running
# process must: these tests commit for real instead of running inside one transaction.
@pytest.mark.django_db(transaction=True)
def test_after_fifty_decisions_the_sites_data_outweighs_the_seed():
    """Fifty shipped spam comments that this site's moderators decide are genuine: where the
    seed and the site disagree about the very same comments, the site wins."""
    disputed = [comment for comment in seed_examples() if comment.kind == "seo_praise"][:50]
    assert len(disputed) == 50 and all(comment.is_spam for comment in disputed)
    items = [comment.spam_input for comment in disputed]
    assert min(assess_spam_many(items)) >= DEFAULT_SPAM_HOLD_THRESHOLD

    for comment in disputed:
        record_moderation_decision(
            text=comment.text, author_name=comment.author_name, is_spam=False
        )
    run_worker(batch=True, verbosity=0)

    assert SpamModel.objects.get().site_examples == 50
    assert max(assess_spam_many(items)) < DEFAULT_SPAM_HOLD_THRESHOLD


@pytest.mark.django_db(transaction=True)
def test_the_site_teaches_the_filter_its_own_kind_of_comment_in_the_worker():
    unseen = SpamInput(text=club_talk(1000))
    scam = SpamInput(
        text="Contact Mr Kevin on Telegram @kevin_recovery, he got my bitcoin back in 48 hours. "
        "WhatsApp +1 (415) 555 0188."
    )
    before = assess_spam(comment=unseen)
    assert before.model_version == SEED_VERSION
    assert before.score >= DEFAULT_SPAM_HOLD_THRESHOLD  # the seed takes it for spam

    for number in range(50):
        record_moderation_decision(text=club_talk(number), is_spam=False)
    assert DBTaskResult.objects.count() == 2  # at the 25th and the 50th decision
    run_worker(batch=True, verbosity=0)  # the worker itself, run here until the queue is empty

    model = SpamModel.objects.get()
    assert model.site_examples == 50
    assert current_spam_model().version == model.version
    after = assess_spam(comment=unseen)
    assert after.model_version == model.version
    assert after.score < DEFAULT_SPAM_HOLD_THRESHOLD
    assert assess_spam(comment=scam).score >= DEFAULT_SPAM_HOLD_THRESHOLD  # spam still is
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_the_worker_stores_the_seed_model_so_that_no_web_process_fits_it():
    run_worker(batch=True, verbosity=0)
    model = SpamModel.objects.get()
    assert model.site_examples == 0
    assert current_spam_model().version == model.version
