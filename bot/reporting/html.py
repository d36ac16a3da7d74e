"""The report as one self-contained HTML file: inline CSS, an inline SVG chart, plain tables.

Nothing is fetched (a Content-Security-Policy forbids it), and nothing needs JavaScript to be
read; a few lines of inline script only let a reader sort a table by clicking its header.
Every piece of text from users or documents goes through `html.escape`: it is data, never markup.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from html import escape

from bot.reporting.chart import questions_chart
from bot.reporting.model import CoverageReport, decline_label

Cell = str | int | float | None

CSS = """
:root { color-scheme: light; --line: #d0d4da; --muted: #5b6470; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  padding: 1rem; color: #1d2330; background: #fff; max-width: 72rem; margin-inline: auto; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .5rem;
  margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: .6rem .8rem; }
.card b { display: block; font-size: 1.4rem; }
figure { margin: 0; overflow-x: auto; }
figure svg { width: 100%; min-width: 32rem; height: auto; display: block; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
td { overflow-wrap: anywhere; }
th { background: #f3f5f8; white-space: nowrap; }
th[data-sortable] { cursor: pointer; } th[data-sortable]::after { content: " ⇅"; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
ul.examples { margin: 0; padding-left: 1.1rem; }
@media (max-width: 40rem) {
  body { padding: .6rem; font-size: 14px; }
  table.stack thead { display: none; }
  table.stack tr { display: block; border-bottom: 2px solid var(--line); padding: .3rem 0; }
  table.stack td { display: block; border: 0; padding: .15rem .2rem; text-align: left; }
  table.stack td::before { content: attr(data-label) ": "; font-weight: 600; color: var(--muted); }
}
"""

SORT_JS = """
document.querySelectorAll("th[data-sortable]").forEach(function (th) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0], col = th.cellIndex;
    var down = th.dataset.dir !== "desc"; th.dataset.dir = down ? "desc" : "asc";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.sort || a.cells[col].textContent;
      var y = b.cells[col].dataset.sort || b.cells[col].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return down ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""

POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def render_html(report: CoverageReport) -> str:
    r = report
    cards = [
        ("questions", r.questions),
        ("answered", r.answered),
        ("declined", f"{r.declined} ({r.decline_rate:.0%})"),
        ("👍 / 👎", f"{r.up} / {r.down}"),
        ("stale documents", len(r.stale)),
        ("p95 latency", f"{r.latency.p95:g} ms" if r.latency else "—"),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Basis coverage report</title>",
        f"<style>{CSS}</style></head><body>",
        "<header><h1>Basis coverage report</h1>",
        f'<p class="muted">{r.days} days: {_when(r.since)} to {_when(r.generated_at)} (UTC). '
        f"Languages: {escape(', '.join(f'{k} {v}' for k, v in r.langs) or 'none')}.</p></header>",
        '<section class="cards">',
        *(_card(name, value) for name, value in cards),
        "</section>",
        "<h2>Questions per day</h2>",
        f'<figure id="chart">{questions_chart(r.per_day)}</figure>',
        "<h2>Gaps: declined questions, grouped</h2>",
        _table(
            "gaps",
            ["asked", "examples", "languages", "why declined", "last asked"],
            [
                [
                    g.count,
                    _list(g.examples),
                    ", ".join(g.langs),
                    ", ".join(f"{decline_label(k)} ({n})" for k, n in g.kinds),
                    _when(g.last_asked),
                ]
                for g in r.gaps
            ],
            numeric={0},
            raw={1},
        ),
        "<h2>Answers marked 👎</h2>",
        _table(
            "downvoted",
            ["👎", "👍", "why", "question", "answer", "last vote"],
            [
                [d.down, d.up, d.why(), d.question, d.answer or "(not logged)", _when(d.last_at)]
                for d in r.downvoted
            ],
            numeric={0, 1},
        ),
        "<h2>Most cited documents</h2>",
        _table(
            "most-cited",
            ["cited", "document", "title"],
            [[u.cited, u.doc_id, u.title] for u in r.most_cited],
            numeric={0},
        ),
        "<h2>Never cited</h2>",
        _table("never-cited", ["document", "title"], [[u.doc_id, u.title] for u in r.never_cited]),
        "<h2>Stale documents</h2>",
        _table(
            "stale",
            ["document", "title", "as of", "source changed", "why"],
            [[s.doc_id, s.title, _day(s.as_of), _day(s.source_changed), s.reason] for s in r.stale],
        ),
        "<h2>Answer latency</h2>",
        _table(
            "latency",
            ["questions", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "max ms"],
            [[lat.count, lat.p50, lat.p90, lat.p95, lat.p99, lat.max] for lat in [r.latency] if lat],
            numeric={0, 1, 2, 3, 4, 5},
        ),
        f"<script>{SORT_JS}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _table(
    name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    numeric: Collection[int] = (),
    raw: Collection[int] = (),
) -> str:
    """A sortable table; cells are escaped unless their column is in `raw` (already-built HTML)."""
    rows = list(rows)
    if not rows:
        return f'<p class="muted" id="{name}">None in this period.</p>'
    head = "".join(
        f'<th scope="col" data-sortable{" class=num" if i in numeric else ""}>{escape(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            text = "" if value is None else str(value)
            shown = text if i in raw else escape(text)
            sort = f' data-sort="{escape(text)}"' if i in numeric else ""
            css = ' class="num"' if i in numeric else ""
            cells.append(f'<td data-label="{escape(headers[i])}"{css}{sort}>{shown}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="scroll"><table class="stack" id="{name}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _card(name: str, value: object) -> str:
    return f'<div class="card"><span class="muted">{escape(name)}</span><b>{escape(str(value))}</b></div>'


def _list(items: Sequence[str]) -> str:
    return '<ul class="examples">' + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _day(day: date | None) -> str:
    return day.isoformat() if day else "—"
