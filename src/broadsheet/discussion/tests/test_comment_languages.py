"""Each comment stores its language, told from its text or chosen by its author, and the page
renders it as the `lang` of the comment's text (WCAG 3.1.2)."""

from __future__ import annotations

import re

import pytest

from broadsheet.conftest import make_user
from broadsheet.discussion import services
from broadsheet.discussion.languages import (
    DETECT,
    canonical_tag,
    comment_language,
    detect_language,
    own_words,
)
from broadsheet.discussion.models import Comment
from broadsheet.discussion.services import NewComment, post_comments
from broadsheet.discussion.tests.factories import ARABIC, ENGLISH, FRENCH, make_comment
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(editor):
    return make_post(editor, "Talks resume")


def comment_html(client, post, comment: Comment) -> str:
    html = client.get(post.get_absolute_url()).content.decode()
    start = html.index(f'id="comment-{comment.pk}"')
    return html[start : html.index("</article>", start)]


def test_french_and_arabic_replies_carry_their_language_on_the_page(client, post, reader):
    top = make_comment(post, reader, ENGLISH, subject="Rank of the delegations")
    french = make_comment(post, make_user("amelie"), FRENCH, subject="Une précision", parent=top)
    arabic = make_comment(post, make_user("karim"), ARABIC, subject="شكراً على المتابعة", parent=top)

    assert [top.language, french.language, arabic.language] == ["en", "fr", "ar"]
    french_html = comment_html(client, post, french)
    assert re.search(r'<h3 class="comment__subject" dir="auto" lang="fr">', french_html)
    assert '<div class="comment__body prose" dir="auto" lang="fr">' in french_html
    arabic_html = comment_html(client, post, arabic)
    assert '<div class="comment__body prose" dir="auto" lang="ar">' in arabic_html
    # The byline is the site's own words: it keeps the page's language.
    assert (
        'lang="ar"'
        not in arabic_html[arabic_html.index("comment__byline") :].split("comment__body")[0]
    )
    threaded = client.get(f"{post.get_absolute_url()}?display=threaded").content.decode()
    assert (
        f'href="?comment={french.pk}&amp;display=nested#comment-{french.pk}" dir="auto" lang="fr"'
        in threaded
    )


def test_a_two_word_comment_gets_no_language_rather_than_a_guess(client, post, reader):
    # The detector would say English, 82% sure: two words are too few to trust that.
    short = make_comment(post, reader, "Agreed, thanks", subject="")
    assert short.language == ""
    assert "lang=" not in comment_html(client, post, short)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks",
        "Merci beaucoup",
        "ok",
        "LOL no",
        "🙂🙂🙂",
        "https://example.org/a-very-long-address",
    ],
)
def test_short_or_wordless_text_is_not_told(text):
    assert detect_language(own_words("", text)) == ""


def test_quotes_and_code_do_not_decide_the_language():
    quoted_french = f"<blockquote><p>{FRENCH}</p></blockquote><p>{ENGLISH}</p>"
    assert comment_language(chosen=None, subject="", body_html=quoted_french) == "en"
    assert own_words("", "<p>See <code>le texte sur les couloirs</code></p>") == "See"


def test_the_author_may_correct_the_language_and_detect_is_the_default(post, reader):
    chosen = make_comment(post, reader, ENGLISH, language="pt-br")
    assert chosen.language == "pt-BR"
    detected = make_comment(post, reader, FRENCH, language=DETECT)
    assert detected.language == "fr"


def test_an_import_keeps_the_language_it_gives_and_a_malformed_one_is_dropped(post, reader):
    given, malformed, unsaid = post_comments(
        post=post,
        comments=[
            NewComment(author=reader, body=ENGLISH, language="de"),
            NewComment(author=reader, body=FRENCH, language="not a tag"),
            NewComment(author=reader, body=FRENCH),
        ],
        imported=True,
    )
    assert (given.language, malformed.language, unsaid.language) == ("de", "", "fr")


def test_an_edit_tells_the_language_again_unless_the_editor_chooses_one(post, reader):
    comment = make_comment(post, reader, ENGLISH)
    services.edit_comment(comment=comment, editor=reader, subject="", body=FRENCH)
    assert Comment.objects.get(pk=comment.pk).language == "fr"
    services.edit_comment(comment=comment, editor=reader, subject="", body=FRENCH, language="ca")
    assert Comment.objects.get(pk=comment.pk).language == "ca"


def test_the_comment_form_offers_the_language_and_posts_the_choice(client, post, reader):
    client.force_login(reader)
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<option value="detect" selected>Tell from the text</option>' in page
    assert '<option value="fr">français (French)</option>' in page
    client.post(
        post.get_absolute_url(),
        {"body": ENGLISH, "language": "es", "post": "1"},
    )
    assert Comment.objects.get().language == "es"
    refused = client.post(
        post.get_absolute_url(), {"body": ENGLISH, "language": "<b>", "post": "1"}
    )
    assert refused.status_code == 422
    assert Comment.objects.count() == 1


def test_the_edit_form_keeps_the_stored_language_as_its_choice(client, post, reader):
    comment = make_comment(post, reader, ARABIC)
    client.force_login(reader)
    page = client.get(f"/comments/{comment.pk}/edit/").content.decode()
    assert '<option value="ar" selected>' in page


def test_language_tags_are_written_in_their_usual_case():
    assert canonical_tag("PT_br") == "pt-BR"
    assert canonical_tag("zh-hant") == "zh-Hant"
    assert canonical_tag("sr-latn-rs") == "sr-Latn-RS"
    assert canonical_tag("english") == ""
    assert canonical_tag('fr" onmouseover="x') == ""


def test_the_language_menu_lists_every_language_escaped_with_the_chosen_one_selected():
    from broadsheet.discussion.forms import CommentForm, EditCommentForm
    from broadsheet.discussion.languages import language_choices

    unbound = str(CommentForm(anonymous=False, subject=True)["language"])
    assert unbound.startswith("<select ")
    assert ' name="language"' in unbound
    assert ' id="id_language"' in unbound
    assert 'aria-describedby="id_language_helptext"' in unbound
    assert unbound.count("<option ") == len(language_choices())
    assert '<option value="detect" selected>Tell from the text</option>' in unbound
    chosen = EditCommentForm(data={"body": "Bonjour", "language": "fr"})
    assert '<option value="fr" selected>' in str(chosen["language"])
    assert '<option value="detect" selected>' not in str(chosen["language"])
    hostile = EditCommentForm(data={"body": "x", "language": '"><script>'})
    assert "<script>" not in str(hostile["language"])
