"""`broadsheet spam score FILE.csv`: how the site's filter would treat each row of a file.

Each row is screened exactly as a new comment from a first-time commenter would be (a
signed-in reader with no approved comment and no reputation), with this site's settings,
its current model and its remembered spam. Nothing is saved: the settings row is read, not
created, and no example, model or remembered address is written.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from broadsheet.screening.filter import FIRST_TIME_COMMENTER, CommentFacts, screen_new_comments
from broadsheet.screening.models import ScreeningSettings
from broadsheet.screening.rules import Screening
from broadsheet.screening.spam_dataset import LabelledComment
from broadsheet.settings_rows import SITE_ROW


@dataclass
class Tally:
    count: int = 0
    held: int = 0  # held for review, not rejected
    rejected: int = 0  # into the spam folder

    def add(self, screening: Screening) -> None:
        self.count += 1
        if screening.rejected:
            self.rejected += 1
        elif screening.held:
            self.held += 1

    @property
    def passed(self) -> int:
        return self.count - self.held - self.rejected

    @property
    def stopped_share(self) -> float:
        return (self.held + self.rejected) / self.count if self.count else 0.0


@dataclass
class ScoreReport:
    by_label: dict[str, Tally] = field(default_factory=dict)
    by_kind: dict[tuple[str, str], Tally] = field(default_factory=dict)

    def summary(self) -> dict[str, dict[str, int]]:
        return {
            label: {"count": tally.count, "held": tally.held, "rejected": tally.rejected}
            for label, tally in self.by_label.items()
        }


def site_rules() -> ScreeningSettings:
    """The site's hold rules as stored, or the defaults when none are; never saved."""
    return ScreeningSettings.objects.filter(pk=SITE_ROW).first() or ScreeningSettings()


def score_labelled_comments(
    comments: Sequence[LabelledComment],
    *,
    rules: ScreeningSettings,
    progress: Callable[[int, int], None] | None = None,
) -> ScoreReport:
    screenings = screen_new_comments(
        comments=[
            CommentFacts(
                text=comment.text, author_name=comment.author_name, author_url=comment.author_url
            )
            for comment in comments
        ],
        author=FIRST_TIME_COMMENTER,
        rules=rules,
        progress=progress,
    )
    report = ScoreReport()
    labels = Counter(comment.label for comment in comments)
    for label in labels:  # in the order they first appear
        report.by_label[label] = Tally()
    for comment, screening in zip(comments, screenings, strict=True):
        report.by_label[comment.label].add(screening)
        if comment.kind:
            report.by_kind.setdefault((comment.label, comment.kind), Tally()).add(screening)
    return report


def _table(title: str, rows: list[tuple[str, Tally]]) -> list[str]:
    width = max([len(title), *(len(name) for name, _ in rows)])
    lines = [
        f"{title:<{width}}  {'count':>6}  {'passed':>6}  {'held':>6}  {'rejected':>8}  "
        f"{'held or rejected':>16}"
    ]
    for name, tally in rows:
        lines.append(
            f"{name:<{width}}  {tally.count:>6,}  {tally.passed:>6,}  {tally.held:>6,}  "
            f"{tally.rejected:>8,}  {tally.stopped_share:>16.1%}"
        )
    return lines


def render_score_report(report: ScoreReport) -> str:
    """A table by label, one by kind when the file has kinds, and the JSON summary last."""
    lines = _table("label", list(report.by_label.items()))
    if report.by_kind:
        lines.append("")
        lines += _table(
            "label / kind",
            [
                (f"{label} / {kind}", tally)
                for (label, kind), tally in sorted(report.by_kind.items())
            ],
        )
    lines.append("")
    lines.append(json.dumps(report.summary(), ensure_ascii=False))
    return "\n".join(lines)
