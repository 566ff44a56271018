"""Upgrading a site whose discussion and moderation settings were in SiteSettings keeps them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from broadsheet.discussion.models import DiscussionSettings
from broadsheet.moderation.models import ModerationSettings
from broadsheet.publishing.models import SiteSettings
from broadsheet.screening.models import DEFAULT_SPAM_HOLD_THRESHOLD, ScreeningSettings

BEFORE_THE_SPLIT = [
    ("publishing", "0003_moderation_settings"),
    ("discussion", "0003_comment_moderation_fields"),
    ("screening", "0001_initial"),
    ("moderation", "0003_move_bans_and_spam_models"),
]
OLD_VALUES = {
    "name": "The Old Site",
    "comment_edit_minutes": 45,
    "allow_anonymous_comments": True,
    "close_comments_after_days": 90,
    "top_level_comments_per_page": 25,
    "hide_below_average": 1.5,
    "hide_min_ratings": 4,
    "show_hidden_to_readers": False,
    "hold_first_comments": True,
    "hold_anonymous_comments": False,
    "hold_link_limit": 5,
    "held_words": "casino\n/vi[a@]gra/",
    "blocked_words": "slur",
    "hold_below_reputation": 2.5,
    "spam_hold_threshold": 0.8,
    "reputation_window_days": 30,
    "reputation_weight_cap": 7,
    "trusted_min_reputation": 4.2,
    "trusted_min_comments": 12,
}


def migrate_to(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_database_keeps_every_setting_in_its_new_home() -> None:
    executor = migrate_to(BEFORE_THE_SPLIT)
    old_apps = executor.loader.project_state(BEFORE_THE_SPLIT).apps
    old_apps.get_model("publishing", "SiteSettings").objects.update_or_create(
        pk=1, defaults=OLD_VALUES
    )

    leaves = executor.loader.graph.leaf_nodes()
    migrate_to(leaves)

    moved = {
        **{f: getattr(DiscussionSettings.current(), f) for f in _fields(DiscussionSettings)},
        **{f: getattr(ScreeningSettings.current(), f) for f in _fields(ScreeningSettings)},
        **{f: getattr(ModerationSettings.current(), f) for f in _fields(ModerationSettings)},
    }
    expected = {key: value for key, value in OLD_VALUES.items() if key != "name"}
    assert {key: moved[key] for key in expected} == expected
    assert SiteSettings.current().name == "The Old Site"


@pytest.mark.django_db(transaction=True)
def test_a_new_site_gets_the_defaults() -> None:
    assert DiscussionSettings.current().comment_edit_minutes == 15
    assert ScreeningSettings.current().spam_hold_threshold == DEFAULT_SPAM_HOLD_THRESHOLD
    assert ModerationSettings.current().trusted_min_comments == 10


def _fields(model: type) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if field.name != "id"]
