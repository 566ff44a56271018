"""The whole screening of a new comment: the spam score, remembered spam and the hold rules.

Discussion asks this one function for a verdict when a reader posts, and `broadsheet spam
score` asks it for each row of a file, so a file is scored exactly as the site would score
the same comments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from broadsheet.screening.models import ScreeningSettings
from broadsheet.screening.rules import AuthorFacts, Screening, screen_comment
from broadsheet.screening.spam import assess_spam_many, remembered_spam_reasons
from broadsheet.screening.spam_features import SpamInput

SCORING_BATCH = 200  # comments scored together: most of a score's cost is per call

# A signed-in reader with nothing to go on yet: no approved comment, no reputation.
FIRST_TIME_COMMENTER = AuthorFacts(
    is_anonymous=False, is_trusted=False, has_approved_comment=False, reputation=None
)


@dataclass(frozen=True)
class CommentFacts(SpamInput):
    """What screening knows of a new comment: what the filter reads (its text, subject and
    Markdown body one per line; the writer's name and web address) and the e-mail address
    remembered spam looks up."""

    email: str = ""


def screen_new_comment(
    *, comment: CommentFacts, author: AuthorFacts, rules: ScreeningSettings
) -> Screening:
    """Score the comment, look up remembered spam, and apply the hold rules.

    Trusted authors are neither scored nor looked up: nothing holds them but the block list.
    """
    return screen_new_comments(comments=[comment], author=author, rules=rules)[0]


def screen_new_comments(
    *,
    comments: Sequence[CommentFacts],
    author: AuthorFacts,
    rules: ScreeningSettings,
    progress: Callable[[int, int], None] | None = None,
) -> list[Screening]:
    """`screen_new_comment` for many comments by one kind of author, scored in batches."""
    if author.is_trusted:
        return [screen_comment(text=item.text, author=author, rules=rules) for item in comments]
    screenings = []
    for start in range(0, len(comments), SCORING_BATCH):
        batch = comments[start : start + SCORING_BATCH]
        scores = assess_spam_many(batch)
        for item, score in zip(batch, scores, strict=True):
            screenings.append(
                screen_comment(
                    text=item.text,
                    author=author,
                    rules=rules,
                    spam_score=score,
                    remembered_spam=remembered_spam_reasons(comment=item, email=item.email),
                )
            )
        if progress is not None:
            progress(len(screenings), len(comments))
    return screenings
