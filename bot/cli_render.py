"""How the CLI shows results: JSON shapes for scripts, rich text for people."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

from bot.answering.citations import citation_link, link_text
from bot.answering.labels import citation_dates, message, source_label, summary_lines, terms_line
from bot.answering_service import SearchResult
from bot.models import Answer


def search_json(result: SearchResult) -> dict[str, Any]:
    return {
        "question": result.query.original,
        "results": [
            {
                "rank": p.rank,
                "doc_id": p.document.id,
                "title": p.document.title,
                "heading": p.chunk.heading,
                "citation": p.document.citation,
                "url": p.document.url,
                "source_type": p.document.source_type,
                "text": p.chunk.text,
                "score": round(p.score, 6),
            }
            for p in result.passages
        ],
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answer": answer.text,
        "mode": answer.mode,
        "lang": answer.lang,
        "citations": [
            {
                "n": c.n,
                "doc_id": c.passage.document.id,
                "title": c.passage.document.title,
                "citation": c.pinpoint,
                "url": c.passage.document.url,
                "link": citation_link(c),
                "source_type": c.passage.document.source_type,
                "source_label": source_label(c.passage.document.source_type, answer.lang),
                "date": c.passage.document.published.isoformat() if c.passage.document.published else None,
                "as_of": c.as_of.isoformat() if c.as_of else None,
                "summary_zh": c.passage.document.summary_zh,
                "quote": c.quote,
                "passage": c.passage.chunk.text,
            }
            for c in answer.citations
        ],
        "warnings": [{"code": w.code, "message": w.message} for w in answer.warnings],
        "abstained": answer.abstained,
        "suggestions": list(answer.suggestions),
        "terms": [{"en": en, "zh": zh} for en, zh in answer.terms],
        "footer": answer.footer,
        "timings_ms": answer.timings_ms,
        "index_build": answer.index_build,
    }


def error_json(line: int, question: str, error: Exception) -> dict[str, Any]:
    """A batch line that could not be answered; undecodable bytes and lone surrogates as escapes."""
    try:  # bytes that were not UTF-8 come back as \xff escapes
        shown = question.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # other lone surrogates as \ud800 escapes
        shown = question.encode("utf-8", "backslashreplace").decode("utf-8")
    return {"line": line, "question": shown, "error": str(error)}


MAX_TITLE = 90  # a source line's title is cut here; the link and pinpoint say the rest


def short(title: str) -> str:
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def hyperlink(text: str, url: str) -> str:
    """Rich markup for `text` linking to `url` (a terminal hyperlink: short text, the address
    behind it); the text alone when there is no http(s) address. Both are escaped."""
    if not url.startswith(("https://", "http://")) or any(ch in url for ch in " []"):
        return escape(text)
    return f"[link={url}]{escape(text)}[/link]"


def print_answer(console: Console, answer: Answer) -> None:
    """Rich text for people; every text from a document or the asker is escaped, never markup."""
    for warning in answer.warnings:
        console.print(f"[bold yellow]⚠ {escape(warning.message)}[/]", highlight=False)
    for line in answer.shown_lines():
        console.print(escape(line.text), style="dim" if line.original else None, highlight=False)
    if terms := terms_line(answer.terms, answer.lang):
        console.print(escape(terms), highlight=False)
    if answer.citations:
        console.print(f"[bold]{message('sources', answer.lang)}[/]")
    summaries = summary_lines(answer)
    for c in answer.citations:
        doc = c.passage.document
        date = "".join(f", {d}" for d in citation_dates(c, answer.lang))
        label = source_label(doc.source_type, answer.lang)
        title = f"{doc.title}: {c.passage.chunk.term}" if c.passage.chunk.term else doc.title
        console.print(
            f"  \\[{c.n}] {hyperlink(link_text(c), citation_link(c))} — {escape(short(title))} "
            f"[dim]({label}{date})[/]" + (f"\n      {escape(summaries[c.n])}" if c.n in summaries else ""),
            highlight=False,
        )
    console.print(f"[dim]{escape(answer.footer)}[/]", highlight=False)
