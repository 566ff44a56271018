"""The demo site's invented stories. Every name, place and number here is made up."""

from __future__ import annotations

from typing import Any

DEMO_SECTIONS = [
    ("justice", "Justice", "Courts, prisons, policing and the people inside them."),
    ("politics", "Politics", "Legislatures, campaigns and the budgets that decide the rest."),
    ("world", "World", "Diplomacy, conflict and reporting from abroad."),
]

DEMO_TAGS = [
    ("jails", "jails"),
    ("audits", "audits"),
    ("bail", "bail"),
    ("budget", "budget"),
    ("ceasefire", "ceasefire"),
    ("open-thread", "open thread"),
    ("elections", "elections"),
]

AUDIT_INTRO = """\
The state's inspector general released a long-awaited audit of county jails on Tuesday, and
its central finding is blunt: in most facilities the medical screening that is supposed to
happen within four hours of booking happens late, or not at all.

The audit covered eleven county facilities over eighteen months. Its executive summary is
worth reading in full, because the agency chose its words carefully:

> During the review period, auditors examined 2,140 intake files drawn at random from the
> eleven facilities. In 1,212 of those files (57 percent) the initial medical screening was
> recorded more than four hours after booking. In 187 files no screening was recorded at all.
>
> Facility administrators attributed the delays chiefly to staffing. Auditors note, however,
> that the delays persisted in facilities whose medical staffing met or exceeded the levels
> set by contract, which suggests that scheduling and record-keeping practices, rather than
> headcount alone, account for a substantial share of the problem.
>
> The Office recommends that each facility adopt a single electronic intake record, that
> screening times be reported monthly to the county board, and that contracts with medical
> providers include penalties for screenings completed outside the four-hour window.

The counties have sixty days to respond. What follows is a closer look at where the delays
were worst, and at what the sheriffs' association said in reply.
"""

AUDIT_BODY = """\
The audit's appendix breaks the numbers down by facility. Four stand out, because together
they account for more than two thirds of the late or missing screenings:

1. **Harrow County Detention Center**: 412 late screenings, 61 with no record.
2. **Millbrook Regional Jail**: 297 late screenings, 44 with no record.
3. **East Fenwick Correctional Annex**: 188 late screenings, 39 with no record.
4. **Calder Point Holding Facility**: 126 late screenings, 17 with no record.

The other seven facilities together recorded 189 late screenings and 26 with no record.

Two points deserve attention. First, Harrow County's medical contract was renewed last spring
without a single performance clause, despite an earlier warning letter. Second, the facility
with the best record, Linden Falls, uses the same medical provider as the worst; the
difference, according to the auditors, is that Linden Falls screens people at the booking
desk instead of moving them to a separate clinic first.

The state sheriffs' association answered within hours:

> Our members take the health of every person in custody seriously. Many of the findings
> reflect the staffing emergency that county jails have faced since 2021, and we will work
> with the Inspector General on realistic timelines for the recommended changes.
>
> — Statement of the State Sheriffs' Association, released Tuesday afternoon

Realistic timelines are the phrase to watch. The audit's own recommendations cost little:
a shared intake record and a monthly report. Whether the county boards ask for them is the
next story.
"""

CONTRIBUTE_SLUG = "what-the-contribute-box-is-for"

CONTRIBUTE_INTRO = """\
The box beside every page of this demo, with the site's tagline and a **Contribute To The
Lantern Ledger** button, is where a reader-funded site asks for support. The independent
magazines Broadsheet is made for live on their readers: the box is how they ask, on every
page, without getting in the way of the story.

The Lantern Ledger is invented and takes no money, so its button leads here.
"""

CONTRIBUTE_BODY = """\
## Pointing it somewhere real

A site's owner sets the box in the admin, under **Site settings**:

- **Contribute URL** is where the button leads: a donation page, a membership scheme or a
  tip jar, on the site itself or elsewhere;
- **Contribute label** replaces the words on the button ("Support our reporting", say);
- **Tagline** is the sentence above it.

Leave the address empty and the button disappears; the tagline stays.
"""

DEMO_POSTS: list[dict[str, Any]] = [
    {
        "slug": "appeals-court-hears-bail-reform-arguments",
        "title": "Appeals Court Hears Arguments on Bail Reform",
        "authors": ["mara_quill"],
        "section": "justice",
        "tags": ["bail"],
        "hours_ago": 52,
        "intro": (
            "A three-judge panel spent most of Monday's hearing on one question: whether a "
            "judge who sets bail must say, on the record, why a lower amount would not do.\n\n"
            "The answer matters for the roughly four thousand people held before trial in the "
            "state on any given day."
        ),
        "body": (
            "Counsel for the state argued that written findings would slow busy arraignment "
            "calendars. Counsel for the petitioners answered that the findings take minutes "
            "and that the alternative is weeks in a cell.\n\n"
            "A ruling is expected before the end of the term."
        ),
    },
    {
        "slug": "county-jail-audit-finds-gaps-in-medical-checks",
        "title": "County Jail Audit Finds Gaps in Medical Checks",
        "authors": ["mara_quill"],
        "section": "justice",
        "tags": ["jails", "audits"],
        "hours_ago": 30,
        "intro": AUDIT_INTRO,
        "body": AUDIT_BODY,
    },
    {
        "slug": "open-thread-weekend-edition",
        "title": "Open Thread: Weekend Edition",
        "authors": ["t_okafor"],
        "section": "politics",
        "tags": ["open-thread"],
        "hours_ago": 20,
        "open_thread": True,
        "intro": (
            "The floor is yours. What are you reading, what did we miss this week, and what "
            "should we cover next? Keep it civil and keep it interesting."
        ),
    },
    {
        "slug": "ceasefire-talks-resume-as-envoys-meet",
        "title": "Ceasefire Talks Resume as Envoys Meet in Geneva",
        "authors": ["t_okafor"],
        "byline": "Nadia Haddad",
        "section": "world",
        "tags": ["ceasefire"],
        "hours_ago": 75,
        "comments_open": False,
        "comment_style": "blog",  # page B: a blog's numbered responses on a Scoop-style site
        "video_url": "https://www.youtube.com/watch?v=aBcD3fGh1jK",
        "video_title": "Envoys arrive for the second round of talks (press pool footage)",
        "intro": (
            "Envoys from both sides returned to the table on Thursday after a pause of nine "
            "days, according to two news agencies that cited officials close to the talks.\n\n"
            "One agency quoted a mediator as saying that the first session was \u201cshort and "
            "practical\u201d and dealt mainly with the exchange of detainees. "
            "Another reported that "
            "a draft text on humanitarian corridors had been circulated but not discussed."
        ),
        "body": (
            "Three things to watch this week:\n\n"
            "- whether the detainee exchange, agreed in principle, gets a date;\n"
            "- whether the corridor text survives the weekend;\n"
            "- whether either side sends a delegation head of higher rank.\n\n"
            "> Asked whether the talks could collapse again, the spokesperson said only that "
            "\u201ceverybody in the room knows the cost of leaving it.\u201d\n\n"
            "We will update this post as the agencies report."
        ),
    },
    {
        "slug": "budget-committee-delays-vote-on-public-defenders",
        "title": "Budget Committee Delays Vote on Public Defender Funding",
        "authors": ["t_okafor"],
        "section": "politics",
        "tags": ["budget"],
        "hours_ago": 100,
        "intro": (
            "The joint budget committee put off a vote on a 14 percent increase for the public "
            "defender's office, citing a revenue forecast due next month."
        ),
        "body": (
            "Caseloads in the office have risen for three straight years. The delay means that "
            "new hires planned for the spring cannot be offered contracts until summer."
        ),
    },
    {
        "slug": "police-oversight-board-publishes-first-annual-report",
        "title": "Police Oversight Board Publishes Its First Annual Report",
        "authors": ["mara_quill"],
        "section": "justice",
        "hours_ago": 130,
        "intro": (
            "The city's civilian oversight board received 388 complaints in its first year, "
            "closed 241, and sustained 37. The report is short, plain and worth a read."
        ),
    },
    {
        "slug": "primary-turnout-up-in-rural-counties",
        "title": "Primary Turnout Up Sharply in Rural Counties",
        "authors": ["t_okafor"],
        "section": "politics",
        "tags": ["elections"],
        "hours_ago": 160,
        "intro": (
            "Turnout in last week's primary rose by nine points in rural counties and fell "
            "slightly in the two largest cities. Early explanations are mostly guesses."
        ),
        "body": (
            "County clerks we spoke with point to new polling places and a contested sheriff's "
            "race. Precinct data, due Friday, will tell us more."
        ),
    },
    {
        "slug": "regional-water-agreement-signed",
        "title": "Regional Water Agreement Signed After Two Years of Talks",
        "authors": ["t_okafor"],
        "section": "world",
        "hours_ago": 200,
        "intro": (
            "Three neighbouring governments signed an agreement on the shared river basin, "
            "setting seasonal quotas and a joint monitoring commission."
        ),
    },
    {
        "slug": "open-thread-midweek",
        "title": "Open Thread: Midweek",
        "authors": ["mara_quill"],
        "section": "politics",
        "tags": ["open-thread"],
        "hours_ago": 120,
        "open_thread": True,
        "intro": "Midweek open thread. What's on your mind?",
    },
    {
        "slug": CONTRIBUTE_SLUG,
        "title": "What the Contribute Box Is For",
        "authors": ["mara_quill"],
        "hours_ago": 24 * 45,  # an old page: it stays off the front page's first screens
        "comments_open": False,
        "intro": CONTRIBUTE_INTRO,
        "body": CONTRIBUTE_BODY,
    },
    {
        "slug": "sentencing-commission-draft-guidelines",
        "title": "Sentencing Commission Circulates Draft Guidelines",
        "authors": ["mara_quill"],
        "section": "justice",
        "hours_ago": -48,
        "status": "scheduled",
        "intro": (
            "A scheduled post: it appears by itself when its publish time arrives, with no "
            "cron job, because visibility is checked on every read."
        ),
    },
]
