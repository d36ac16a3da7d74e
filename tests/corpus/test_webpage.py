"""Main text of web pages: furniture in classed `<div>`s too, the page's own words, its own address."""

from __future__ import annotations

from bot.corpus.webpage import html_to_text

PARAGRAPHS = [
    "A release of technology or source code to a foreign person in the United States is a deemed export.",
    "The release is deemed to be an export to the foreign person's most recent country of citizenship.",
    "Visual inspection of equipment that reveals controlled technology can be a release of that technology.",
]
DIV_FURNITURE = """
<div class="usa-banner">An official website of the United States government. Here is how you know.</div>
<div class="site-menu"><ul><li><a href="/a">Browse legislation by congress</a></li>
<li><a href="/b">Sign in to your account</a></li><li><a href="/c">Advanced search options</a></li></ul></div>
<div class="cookie-notice">We use cookies to understand how visitors use this site. Accept all cookies.</div>
"""
DIV_FOOTER = """
<div class="share-bar"><a href="/s">Share this page on social media</a> <a href="/p">Print this page</a></div>
<div class="site-footer"><a href="/x">Accessibility statement and privacy policy</a>
<a href="/y">Contact the webmaster about this site</a></div>
"""


def _page(body: str, head: str = "<title>Deemed exports | Agency</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def test_furniture_in_classed_divs_is_dropped() -> None:
    article = "<h1>Deemed exports</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = html_to_text(_page(DIV_FURNITURE + f'<div class="content">{article}</div>' + DIV_FOOTER))
    assert page.title == "Deemed exports | Agency"
    assert page.text.startswith("# Deemed exports\n\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in page.text
    for furniture in ("official website", "Sign in", "cookies", "Share this page", "webmaster"):
        assert furniture not in page.text


def test_text_keeps_the_pages_own_words_without_markdown_marks() -> None:
    body = (
        "<main><h2>Definitions</h2><p>A <b>foreign person</b> is any natural person who is not a "
        "lawful permanent resident [emphasis added] of the United States, see 15 CFR 772.1 *and* notes.</p>"
        "<p>First line of the address<br>Second line of the address, in the same paragraph of text.</p>"
        "<table><tr><td>ECCN</td><td>3A090</td></tr>"
        "<tr><td>Reason for control</td><td>NS, RS</td></tr></table>"
        "</main>"
    )
    text = html_to_text(_page(body)).text
    assert "## Definitions" in text
    assert "A foreign person is any natural person" in text
    assert "[emphasis added]" in text and "*and*" in text
    assert "\\[" not in text and "**" not in text
    assert "First line of the address\nSecond line" in text
    assert "ECCN 3A090" in text


def test_the_pages_own_address_and_visible_header() -> None:
    head = (
        '<title>T</title><link rel="canonical" href="https://www.ecfr.gov/current/title-15/part-734">'
        '<meta property="og:url" content="https://example.org/other">'
    )
    body = "<aside>Document Citation: 90 FR 47201</aside><main>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = html_to_text(_page(body + "<script>var hidden = 1;</script></main>", head))
    assert page.url == "https://www.ecfr.gov/current/title-15/part-734"
    assert "90 FR 47201" in page.header and "90 FR 47201" not in page.text
    assert "hidden" not in page.header


def test_a_page_without_a_title_takes_its_first_heading() -> None:
    body = "<main><h1>Licence exceptions</h1>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</main>"
    assert html_to_text(_page(body, head="")).title == "Licence exceptions"


def test_deeply_nested_markup_is_no_crash() -> None:
    page = html_to_text(_page("<div>" * 20000 + "deep text"))
    assert page.title == "Deemed exports | Agency"
    assert isinstance(page.text, str)
