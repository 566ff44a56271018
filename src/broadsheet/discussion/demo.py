"""The demo site's discussions: both reference pages' comment sections, and a busy open thread.

Safe to run again: a post that has comments already is left alone.
"""

from __future__ import annotations

import secrets

from broadsheet.accounts import services as account_services
from broadsheet.accounts.models import User
from broadsheet.accounts.roles import Role
from broadsheet.discussion import services
from broadsheet.discussion.models import Comment
from broadsheet.discussion.sample_threads import generate_thread
from broadsheet.publishing.models import Post

OPEN_THREAD_COMMENTS = 2_000
DEMO_READERS = ["civic_reader", "ledger_fan", "night_owl", "k_ibrahim", "amelie_d", "sam_p"]

BRIEFING_QUOTE = """\
The briefing transcript is worth quoting, because the answer is shorter than the question:

> **Q:** Is there a date for the exchange of detainees?
>
> **A:** There is an understanding. Dates follow understandings.

That is not a date.¹

¹ The full transcript: [link to the briefing](https://example.org/briefing-transcript)"""


def _readers() -> dict[str, User]:
    readers = {}
    for name in DEMO_READERS:
        user = User.objects.filter(username=name).first()
        if user is None:
            user = account_services.create_user(
                username=name,
                email=f"{name}@example.org",
                password=secrets.token_urlsafe(16),  # nobody logs in as a demo reader
                role=Role.READER,
                email_confirmed=True,
            )
        readers[name] = user
    return readers


def _story_discussion(post: Post, people: dict[str, User]) -> None:
    staffing = services.post_comment(
        post=post,
        author=people["civic_reader"],
        subject="Staffing is not the whole story",
        body="The audit says so itself: the delays persisted where staffing met the contract.",
    )
    reply = services.post_comment(
        post=post,
        author=people["night_owl"],
        subject="Linden Falls",
        body="Screening at the booking desk is the detail that matters. It costs nothing.",
        parent_id=staffing.pk,
    )
    services.post_comment(
        post=post,
        author=people["ledger_fan"],
        subject="",
        body="Costs nothing until a county has to renegotiate a medical contract, which is "
        "exactly what the Harrow County renewal avoided.",
        parent_id=reply.pk,
    )
    sixty_days = services.post_comment(
        post=post,
        author=people["sam_p"],
        subject="Sixty days",
        body="Will anyone publish the counties' responses when they arrive?",
    )
    services.post_comment(
        post=post,
        author=people["k_ibrahim"],
        subject="They are public records",
        body="Any resident can request them. I will, and post what comes back.",
        parent_id=sixty_days.pk,
    )
    for rater, value in (("night_owl", 5), ("ledger_fan", 4), ("sam_p", 5), ("k_ibrahim", 4)):
        services.rate_comment(comment=staffing, rater=people[rater], value=value)
    services.rate_comment(comment=reply, rater=people["civic_reader"], value=5)
    services.rate_comment(comment=sixty_days, rater=people["night_owl"], value=3)


def _analysis_discussion(post: Post, people: dict[str, User]) -> None:
    """Page B: numbered, nested, in several languages, then closed."""
    Post.objects.filter(pk=post.pk).update(comments_open=True)
    post.comments_open = True
    first = services.post_comment(
        post=post,
        author=people["k_ibrahim"],
        subject="The corridor text",
        body=BRIEFING_QUOTE,
    )
    services.post_comment(
        post=post,
        author=people["amelie_d"],
        subject="Une précision",
        body="Merci pour ce résumé. Selon une autre agence, le texte sur les couloirs "
        "humanitaires aurait été discuté brièvement jeudi soir.",
        parent_id=first.pk,
    )
    services.post_comment(
        post=post,
        author=people["k_ibrahim"],
        subject="شكراً على المتابعة",
        body="الموعد لم يُحدَّد بعد، لكن الوسطاء يتحدثون عن الأسبوع المقبل.",
        parent_id=first.pk,
    )
    second = services.post_comment(
        post=post,
        author=people["civic_reader"],
        subject="Rank of the delegations",
        body="If either side sends someone more senior, that will say more than any statement.",
    )
    services.post_comment(
        post=post,
        author=people["night_owl"],
        subject="",
        body="Agreed. Watch the arrivals list, not the communiqué.",
        parent_id=second.pk,
    )
    services.post_comment(
        post=post,
        author=people["sam_p"],
        subject="Thanks",
        body="Clear and careful, as usual.",
    )
    Post.objects.filter(pk=post.pk).update(comments_open=False)


def build_demo_discussions() -> str:
    people = _readers()
    added = []
    plans = [
        ("county-jail-audit-finds-gaps-in-medical-checks", _story_discussion),
        ("ceasefire-talks-resume-as-envoys-meet", _analysis_discussion),
    ]
    for slug, build in plans:
        post = Post.objects.filter(slug=slug).first()
        if post is None or Comment.objects.filter(post=post).exists():
            continue
        build(post, people)
        added.append(f"comments on “{post.title}”")
    open_thread = Post.objects.filter(slug="open-thread-weekend-edition").first()
    if open_thread is not None and not Comment.objects.filter(post=open_thread).exists():
        generate_thread(post=open_thread, authors=list(people.values()), count=OPEN_THREAD_COMMENTS)
        added.append(f"{OPEN_THREAD_COMMENTS:,} comments on “{open_thread.title}”")
    if not added:
        return "The demo discussions are in place already; nothing was added."
    return "Added " + ", ".join(added) + "."
