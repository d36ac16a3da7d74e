"""How the CLI prints an answer's sources: short lines whose pinpoint is a terminal hyperlink."""

from __future__ import annotations

import io

from rich.console import Console

from bot.cli_render import answer_json, hyperlink, print_answer
from bot.models import Answer, Chunk, Citation, Document, Passage

URL = "https://www.ecfr.gov/current/title-15/section-734.13"


def _answer() -> Answer:
    doc = Document(
        "ecfr",
        "15 CFR Part 734 — Scope of the Export Administration Regulations, " * 3,
        "",
        "r.md",
        "0",
        source_type="regulation",
        citation="15 CFR Part 734",
        url=URL,
    )
    chunk = Chunk(
        "ecfr#0", "ecfr", "", "(b) Any release is a deemed export [x](https://evil.example).", 0, 60, 9
    )
    citation = Citation(
        1, Passage(chunk, doc, 1, 1.0), "15 CFR 734.13(b)", "(b) Any release is a deemed export"
    )
    return Answer(
        "a1", "q", "(b) Any release is a deemed export [1]", "extractive", "en", (citation,), footer="f"
    )


def _printed(answer: Answer) -> str:
    out = io.StringIO()
    print_answer(Console(file=out, force_terminal=True, color_system="truecolor", width=300), answer)
    return out.getvalue()


def test_the_pinpoint_is_a_hyperlink_to_the_citation_url_and_the_title_is_short() -> None:
    printed = _printed(_answer())
    assert "\x1b]8;id=" in printed and f";{URL}\x1b\\" in printed  # OSC 8 terminal hyperlink
    assert "15 CFR 734.13(b)" in printed
    assert "Regulations, 15 CFR Part 734" in printed and "…" in printed  # cut at 90 characters
    assert "evil.example" not in printed


def test_json_keeps_its_shape_plus_the_link() -> None:
    (cited,) = answer_json(_answer())["citations"]
    assert cited["link"] == URL and cited["url"] == URL and cited["citation"] == "15 CFR 734.13(b)"


def test_no_link_for_an_address_that_is_not_the_web() -> None:
    assert hyperlink("x [y]", "javascript:alert(1)") == "x \\[y]"
    assert hyperlink("x", URL) == f"[link={URL}]x[/link]"
