"""The report for a terminal (rich): tables whose cells are `Text`, so user text is never markup."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.reporting.model import CoverageReport, decline_label


def print_report(console: Console, report: CoverageReport) -> None:
    r = report
    console.print(
        Text(
            f"Coverage report, last {r.days} days ({r.since:%Y-%m-%d} to {r.generated_at:%Y-%m-%d}): "
            f"{r.questions} questions, {r.answered} answered, {r.declined} declined "
            f"({r.decline_rate:.0%}); 👍 {r.up} / 👎 {r.down}.",
            style="bold",
        )
    )
    gaps = _table("Gaps: declined questions, grouped", "asked", "examples", "languages", "why")
    for g in r.gaps:
        gaps.add_row(
            Text(str(g.count)),
            Text("\n".join(g.examples)),
            Text(", ".join(g.langs)),
            Text(", ".join(f"{decline_label(k)} ({n})" for k, n in g.kinds)),
        )
    down = _table("Answers marked 👎", "👎", "why", "question", "answer")
    for d in r.downvoted:
        answer = _short(d.answer or "(not logged)")
        down.add_row(Text(str(d.down)), Text(d.why()), Text(d.question), Text(answer))
    cited = _table("Most cited documents", "cited", "document", "title")
    for u in r.most_cited:
        cited.add_row(Text(str(u.cited)), Text(u.doc_id), Text(u.title))
    never = _table("Never cited", "document", "title")
    for u in r.never_cited:
        never.add_row(Text(u.doc_id), Text(u.title))
    stale = _table("Stale documents", "document", "as of", "why")
    for s in r.stale:
        stale.add_row(Text(s.doc_id), Text(s.as_of.isoformat() if s.as_of else "—"), Text(s.reason))
    for table in (gaps, down, cited, never, stale):
        console.print(table if table.row_count else Text(f"{table.title}: none in this period."))
    if r.latency:
        lat = r.latency
        console.print(
            Text(
                f"Answer latency over {lat.count} questions: p50 {lat.p50:g} ms, p90 {lat.p90:g} ms, "
                f"p95 {lat.p95:g} ms, p99 {lat.p99:g} ms, max {lat.max:g} ms."
            )
        )


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
