"""The demo site's discussions: both reference pages' comment sections, and a busy open thread.

Each conversation is written as a whole through `post_comments`, as an import: its comments
are dated at their place in the conversation, after their post, rather than all in the second
the demo ran, and no hold rule stands between the demo and its own text. Safe to run again: a
post that has comments already is left alone.

The site's comment style is Scoop (page A, the magazine it imitates) and page B's post chooses
the Blog style for itself, so both reference pages' discussions show side by side;
`broadsheet demo --comment-style blog` turns the whole site to the Blog style (see
`use_comment_style`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from broadsheet.accounts import services as account_services
from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.discussion.models import Comment, DiscussionSettings
from broadsheet.discussion.sample_threads import generate_thread
from broadsheet.discussion.services import NewComment, post_comments
from broadsheet.publishing.models import CommentStyle, Post

OPEN_THREAD_COMMENTS = 2_000
# Readers keep their handles, as on a Scoop site; two sign with their names, as on a blog.
DEMO_READERS = {
    "civic_reader": "",
    "ledger_fan": "",
    "night_owl": "",
    "k_ibrahim": "Karim Ibrahim",
    "amelie_d": "Amélie Durand",
    "sam_p": "",
}

BRIEFING_QUOTE = """\
The briefing transcript is worth quoting, because the answer is shorter than the question:

> **Q:** Is there a date for the exchange of detainees?
>
> **A:** There is an understanding. Dates follow understandings.

That is not a date.¹

¹ The full transcript: [link to the briefing](https://example.org/briefing-transcript)"""


@dataclass(frozen=True)
class Line:
    """One comment of a written conversation."""

    author: str
    after: timedelta  # after the post appeared
    body: str
    subject: str = ""
    reply_to: int | None = None  # the position of the comment it answers
    ratings: tuple[tuple[str, int], ...] = ()


def demo_readers() -> dict[str, User]:
    readers = {}
    for name, display_name in DEMO_READERS.items():
        user = User.objects.filter(username=name).first()
        if user is None:
            user = account_services.create_user(
                username=name,
                email=f"{name}@example.org",
                password=secrets.token_urlsafe(16),  # nobody logs in as a demo reader
                role=Role.READER,
                email_confirmed=True,
            )
            if display_name:
                user.display_name = display_name
                user.save(update_fields=["display_name"])
        readers[name] = user
    return readers


def write_conversation(post: Post, people: dict[str, User], lines: list[Line]) -> None:
    published = post.publish_at
    assert published is not None  # the demo's posts are published
    post_comments(
        post=post,
        comments=[
            NewComment(
                author=people[line.author],
                subject=line.subject,
                body=line.body,
                parent_position=line.reply_to,
                created=published + line.after,
                ratings=tuple((people[rater].pk, value) for rater, value in line.ratings),
            )
            for line in lines
        ],
        imported=True,
    )


def _minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


STORY_DISCUSSION = [
    Line(
        "civic_reader",
        _minutes(38),
        "The audit says so itself: the delays persisted where staffing met the contract.",
        subject="Staffing is not the whole story",
        ratings=(("night_owl", 5), ("ledger_fan", 4), ("sam_p", 5), ("k_ibrahim", 4)),
    ),
    Line(
        "night_owl",
        _minutes(71),
        "Screening at the booking desk is the detail that matters. It costs nothing.",
        subject="Linden Falls",
        reply_to=0,
        ratings=(("civic_reader", 5),),
    ),
    Line(
        "ledger_fan",
        _minutes(134),
        "Costs nothing until a county has to renegotiate a medical contract, which is exactly "
        "what the Harrow County renewal avoided.",
        reply_to=1,
    ),
    Line(
        "sam_p",
        _minutes(305),
        "Will anyone publish the counties' responses when they arrive?",
        subject="Sixty days",
        ratings=(("night_owl", 3),),
    ),
    Line(
        "k_ibrahim",
        _minutes(582),
        "Any resident can request them. I will, and post what comes back.",
        subject="They are public records",
        reply_to=3,
    ),
]

# Page B: numbered, nested, in several languages, then closed.
ANALYSIS_DISCUSSION = [
    Line("k_ibrahim", _minutes(65), BRIEFING_QUOTE, subject="The corridor text"),
    Line(
        "amelie_d",
        _minutes(142),
        "Merci pour ce résumé. Selon une autre agence, le texte sur les couloirs humanitaires "
        "aurait été discuté brièvement jeudi soir.",
        subject="Une précision",
        reply_to=0,
    ),
    Line(
        "k_ibrahim",
        _minutes(183),
        "الموعد لم يُحدَّد بعد، لكن الوسطاء يتحدثون عن الأسبوع المقبل.",
        subject="شكراً على المتابعة",
        reply_to=0,
    ),
    Line(
        "civic_reader",
        _minutes(404),
        "If either side sends someone more senior, that will say more than any statement.",
        subject="Rank of the delegations",
    ),
    Line(
        "night_owl",
        _minutes(451),
        "Agreed. Watch the arrivals list, not the communiqué.",
        reply_to=3,
    ),
    Line("sam_p", _minutes(1_570), "Clear and careful, as usual.", subject="Thanks"),
]


def use_comment_style(style: CommentStyle) -> str:
    """Show the demo's discussions in one style: Scoop with ratings (page A), or Blog without
    (page B). Stored comments are rendered again in it when next read."""
    settings = DiscussionSettings.current()
    ratings = style == CommentStyle.SCOOP
    if settings.comment_style == style and settings.show_ratings == ratings:
        return f"The comments are in the {style.label} style already."
    settings.comment_style, settings.show_ratings = style, ratings
    settings.save(update_fields=["comment_style", "show_ratings"])
    return f"The comments are now in the {style.label} style" + (
        ", with ratings." if ratings else ", without ratings."
    )


def build_demo_discussions() -> str:
    people = demo_readers()
    added = []
    plans = [
        ("county-jail-audit-finds-gaps-in-medical-checks", STORY_DISCUSSION),
        ("ceasefire-talks-resume-as-envoys-meet", ANALYSIS_DISCUSSION),
    ]
    for slug, lines in plans:
        post = Post.objects.filter(slug=slug).first()
        if post is None or Comment.objects.filter(post=post).exists():
            continue
        write_conversation(post, people, lines)
        added.append(f"comments on “{post.title}”")
    open_thread = Post.objects.filter(slug="open-thread-weekend-edition").first()
    if open_thread is not None and not Comment.objects.filter(post=open_thread).exists():
        generate_thread(post=open_thread, authors=list(people.values()), count=OPEN_THREAD_COMMENTS)
        added.append(f"{OPEN_THREAD_COMMENTS:,} comments on “{open_thread.title}”")
    if not added:
        return "The demo discussions are in place already; nothing was added."
    return "Added " + ", ".join(added) + "."
