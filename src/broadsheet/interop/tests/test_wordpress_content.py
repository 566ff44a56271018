"""WordPress's stored text finished into the HTML its readers saw."""

from __future__ import annotations

from broadsheet.interop.wordpress_content import (
    Attachment,
    MediaLibrary,
    add_paragraphs,
    convert_post_content,
)


def test_blank_lines_make_paragraphs_and_single_newlines_breaks() -> None:
    assert add_paragraphs("One\ntwo\n\n\nThree") == "<p>One<br>\ntwo</p>\n\n<p>Three</p>"


def test_blocks_and_preformatted_text_are_left_alone() -> None:
    text = "<blockquote>Quoted</blockquote>\n\n<pre>a\n\nb</pre>\n\nAfter"
    assert add_paragraphs(text) == (
        "<blockquote>Quoted</blockquote>\n\n<pre>a\n\nb</pre>\n\n<p>After</p>"
    )


def test_a_video_url_inside_a_sentence_is_not_an_embed() -> None:
    text = convert_post_content("See https://youtu.be/abcdefgh123 for more.")
    assert text.video_url == ""
    assert text.intro == "<p>See https://youtu.be/abcdefgh123 for more.</p>"


def test_a_video_url_on_its_own_line_is_the_posts_video() -> None:
    text = convert_post_content("Watch:\n\nhttps://youtu.be/abcdefgh123\n\nDone.")
    assert text.video_url == "https://www.youtube.com/watch?v=abcdefgh123"
    assert text.intro == "<p>Watch:</p>\n\n<p>Done.</p>"


def test_block_content_gets_no_extra_paragraphs() -> None:
    text = convert_post_content(
        "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\n"
        "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n\n"
        '<!-- wp:heading {"level":3} -->\n<h3>Two</h3>\n<!-- /wp:heading -->'
    )
    assert text.intro == "<p>One</p>"
    assert text.body == "<h3>Two</h3>"


def test_an_old_style_caption_attribute_is_kept() -> None:
    text = convert_post_content('[caption caption="A boat"]<img src="b.jpg" />[/caption]')
    assert text.intro == '<figure><img src="b.jpg" /><figcaption>A boat</figcaption></figure>'


def test_a_gallery_without_ids_shows_the_posts_own_uploads() -> None:
    media = MediaLibrary(
        by_id={"7": Attachment("https://old.example/a.jpg", "A & B"), "8": Attachment("b.png")},
        by_parent={"3": ("7", "8")},
    )
    text = convert_post_content('Look:\n\n[gallery columns="2"]', media=media, post_id="3")
    assert text.intro == (
        '<p>Look:</p>\n\n<figure><img src="https://old.example/a.jpg" alt="A &amp; B"></figure>'
        '\n<figure><img src="b.png" alt=""></figure>'
    )
    assert text.notes == []


def test_a_featured_image_already_in_the_text_is_not_shown_twice() -> None:
    media = MediaLibrary(by_id={"7": Attachment("https://old.example/a.jpg")})
    text = convert_post_content(
        '<img src="https://old.example/a.jpg">', media=media, featured_image="7"
    )
    assert text.intro == '<p><img src="https://old.example/a.jpg"></p>'
    assert text.notes == []
