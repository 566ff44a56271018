"""The shape signals the filter reads besides words."""

from __future__ import annotations

from broadsheet.screening.spam_features import (
    BOOSTED_SIGNALS,
    FEATURE_NAMES,
    SpamInput,
    comment_signals,
)


def signals(text: str, *, name: str = "", url: str = "") -> dict[str, float]:
    values = comment_signals(SpamInput(text=text, author_name=name, author_url=url))
    assert len(values) == len(FEATURE_NAMES)
    assert all(0.0 <= value <= 1.0 for value in values)
    return dict(zip(FEATURE_NAMES, values, strict=True))


def test_a_phone_number_beside_a_messenger_is_a_contact_route():
    found = signals("Message Mr Lawson on WhatsApp +1 (302) 555-0142 or Telegram @lawson_fx")
    assert found["phone numbers"] > 0
    assert found["messenger with a handle or number"] == 1.0
    assert found["no way to reach anyone"] == 0.0


def test_a_messenger_named_in_the_news_is_not_a_contact_route():
    found = signals("The protest was organised on Telegram and WhatsApp groups.")
    assert found["messenger names"] > 0
    assert found["messenger with a handle or number"] == 0.0
    assert found["no way to reach anyone"] == 1.0


def test_years_and_sums_are_not_phone_numbers():
    found = signals("Between 2019 and 2024 the deficit grew from $1.2 trillion to 5.6% of GDP.")
    assert found["phone numbers"] == 0.0
    assert found["sums of money"] > 0


def test_sources_and_shops_are_told_apart_by_their_addresses():
    source = signals("See https://www.cbo.gov/publication/59946 and https://www.reuters.com/x")
    assert source["links to public bodies"] == 0.5
    assert source["links to news and reference sites"] == 0.5
    shop = signals('<a href="https://cheap-pills-online.shop">buy cheap pills</a>')
    assert shop["links to cheap top-level domains"] == 1.0
    assert shop["links to hyphenated keyword domains"] == 1.0
    assert shop["links with keyword anchors"] == 1.0
    assert shop["links in HTML or BBCode"] == 1.0


def test_a_personal_site_bears_its_authors_name_and_a_shop_does_not():
    own = signals("Thanks!", name="Liam Kerrigan", url="https://mastodon.ie/@liamk")
    assert own["author URL bears the author's name"] == 1.0
    assert own["author URL not the author's own"] == 0.0
    shop = signals("Thanks!", name="Kevin Brooks", url="https://kevinbrooksroofing.com/gutters")
    assert shop["author URL bears the author's name"] == 0.0
    assert shop["author URL not the author's own"] == 1.0
    assert shop["author URL to an inner page"] == 1.0


def test_a_readers_site_is_a_signature_and_a_bought_address_a_way_back():
    """The form's Website field is judged by its own signals; a short thanks signed with a
    site is not a link drop, unless the site looks registered to be linked to."""
    signed = signals("Thanks, a fair summary.", name="Pat", url="https://patlee.example.org")
    assert signed["no way to reach anyone"] == 1.0
    assert signed["short text with a link"] == 0.0
    assert signed["author URL"] == 1.0
    for bought in ("https://carpetcleaning-melbourne.net.au", "https://katetrades.xyz"):
        assert signals("Thanks!", name="Kate", url=bought)["no way to reach anyone"] == 0.0
    linked = signals("Thanks, a fair summary: https://shop.example.xyz", name="Pat")
    assert linked["no way to reach anyone"] == 0.0
    assert linked["short text with a link"] == 1.0


def test_scripts_and_latin_letters_hidden_among_cyrillic():
    found = signals("Купить дипломы недорого, cкидки")  # the c of скидки is Latin
    assert found["Cyrillic letters"] > 0.9
    assert found["words mixing Latin and Cyrillic"] > 0


def test_spintax_and_quoted_lines():
    assert signals("{Great|Awesome} {post|article}!")["spintax"] == 1.0
    assert signals("> the quoted claim\n\nIt is wrong.")["quoted lines"] > 0


def test_the_second_stage_sees_no_length_and_no_script():
    """How someone writes (long or short, which alphabet) must not decide; only the first,
    linear stage weighs those, as one small term among many."""
    for name in ("length", "capitals", "digits", "links", "Latin letters", "Cyrillic letters"):
        assert name not in BOOSTED_SIGNALS
    assert set(BOOSTED_SIGNALS) <= set(FEATURE_NAMES)
