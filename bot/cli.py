"""The `basis` command line: each command is one call into a service (`bot.service.Basis`'s
`answering`, `kb` or `records`, or `bot.both_indexes` for evaluation and training); the services
are imported inside the commands, so `define`, `kb list` and `--help` load no model."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.cli_render import answer_json, error_json, print_answer, search_json, source_label
from bot.errors import BasisError
from bot.settings import Settings, load_settings, setting_problems

app = typer.Typer(help="Basis: export-control answers that always show their basis.", no_args_is_help=True)
index_app = typer.Typer(help="Build and inspect the index.", no_args_is_help=True)
kb_app = typer.Typer(help="Check and change the knowledge base.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(kb_app, name="kb")
ranker_app = typer.Typer(help="Train the learned ranking stage.", no_args_is_help=True)
app.add_typer(ranker_app, name="ranker")
data_app = typer.Typer(help="The question log and feedback in BASIS_DATA_DIR.", no_args_is_help=True)
app.add_typer(data_app, name="data")
DISTRIBUTION = "basis-bot"
console = Console(soft_wrap=True, emoji=False)
errors = Console(stderr=True, soft_wrap=True, emoji=False)

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index directory.")]
KnowledgeOpt = Annotated[Path | None, typer.Option("--knowledge", help="Knowledge directory.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _settings(index: Path | None = None, knowledge: Path | None = None) -> Settings:
    overrides: dict[str, Any] = {}
    if index:
        overrides["index_dir"] = index
    if knowledge:
        overrides["knowledge_dir"] = knowledge
    return load_settings(**overrides)


def _open(settings: Settings):
    from bot.service import Basis

    return Basis.open(settings)


def _questions(question: str) -> Iterator[tuple[int, str]]:
    """(line number, question): the argument, or each non-blank stdin line for `-`.

    Stdin is read as bytes; undecodable bytes survive as lone surrogates, which
    `Answering.check_question` refuses with a readable error for that line alone.
    """
    if question != "-":
        yield 1, question
        return
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        line = raw.decode("utf-8", "surrogateescape").strip()
        if line:
            yield number, line


def _each_question(question: str, handle: Callable[[str], None]) -> None:
    """Run `handle` on each question. In batch mode (`-`) a refused line prints a JSON object
    with an `error` field and the batch goes on; the exit code is 1 when any line failed."""
    failed = 0
    for number, text in _questions(question):
        try:
            handle(text)
        except BasisError as exc:
            if question != "-":
                raise
            failed += 1
            print(json.dumps(error_json(number, text, exc), ensure_ascii=False), flush=True)
    if failed:
        errors.print(f"{failed} line(s) could not be answered; see their `error` fields.", highlight=False)
        raise typer.Exit(1)


@index_app.command("build")
def index_build(
    knowledge: KnowledgeOpt = None,
    index: IndexOpt = None,
    strict: Annotated[
        bool, typer.Option(help="Publish nothing and exit non-zero when any file would be skipped.")
    ] = False,
) -> None:
    """Build (or incrementally update) the index from the knowledge directory (audited, under the
    knowledge-base writer lock)."""
    settings = _settings(index, knowledge).for_batch_build()
    with _progress() as progress:
        change = _knowledge_base(settings).build(actor="cli", progress=progress, strict=strict)
    for _, reason in change.report.skipped:
        errors.print(f"[yellow]skipped[/] {escape(reason)}", highlight=False)
    for note in change.notes:
        errors.print(f"[yellow]{escape(note)}[/]", highlight=False)
    console.print(escape(change.report.summary()), highlight=False)


def _knowledge_base(settings: Settings):
    """The knowledge base alone, for commands that change or check it without answering questions."""
    from bot.knowledge_base import KnowledgeBase

    return KnowledgeBase.open(settings)


def _records(settings: Settings):
    """The question log and feedback alone (`basis data`), with no index opened."""
    from bot.records_service import Records

    return Records(settings)


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """Build progress on stderr: a bar on a terminal, else one line per stage."""
    from bot.knowledge_base import ProgressLines

    if not errors.is_terminal:
        yield ProgressLines(lambda line: errors.print(line, highlight=False))
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task("reading", total=None)
        yield lambda stage, done, total: bar.update(
            task, description=stage, completed=done, total=total or None
        )


def _notice(line: str) -> None:
    errors.print(escape(line), highlight=False)


@index_app.command("status")
def index_status(index: IndexOpt = None, json_out: JsonOpt = False) -> None:
    """Show what the live index holds and how it was built."""
    settings = _settings(index)
    manifest: dict[str, Any] = _knowledge_base(settings).published_manifest()
    if json_out:
        print(json.dumps({k: v for k, v in manifest.items() if k != "documents"}, indent=2))
        return
    counts = manifest["counts"]
    console.print(
        escape(
            f"Index {settings.index_dir}: {counts['documents']} documents, {counts['chunks']} chunks; "
            f"model {manifest['model']['name']} ({manifest['model']['dimension']}-d); "
            f"{manifest['dense']['kind']} dense index; built {manifest['built_at']} in "
            f"{manifest['build_seconds']} s; knowledge as of {manifest.get('knowledge_as_of') or 'unknown'}."
        ),
        highlight=False,
    )
    for skipped in manifest.get("skipped", []):
        console.print(f"[yellow]skipped at build[/] {escape(skipped['reason'])}", highlight=False)


@app.command()
def search(
    question: Annotated[str, typer.Argument(help="The question, or - to read one per stdin line.")],
    k: Annotated[int, typer.Option("-k", help="How many passages.")] = 5,
    index: IndexOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Show the passages retrieved for a question."""
    answering = _open(_settings(index)).answering

    def show(q: str) -> None:
        result = answering.search(q, k=k)
        if json_out or question == "-":
            print(json.dumps(search_json(result), ensure_ascii=False), flush=True)
            return
        for p in result.passages:
            console.print(
                f"[bold]{p.rank}.[/] {escape(p.document.title)} — {escape(p.chunk.heading or '(top)')} "
                f"[dim]({source_label(p.document.source_type)}, score {p.score:.4f})[/]",
                highlight=False,
            )
            console.print(f"   {escape(p.chunk.text[:300])}", highlight=False)

    _each_question(question, show)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, or - to read one per stdin line.")],
    index: IndexOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Answer a question with cited sources."""
    from bot.answering_service import check_question

    started = time.perf_counter()
    settings = _settings(index)
    if question != "-":
        check_question(question, settings.max_question_chars)  # refused before anything loads
    basis = _open(settings)
    load_ms = (time.perf_counter() - started) * 1000

    def show(q: str) -> None:
        answer = basis.answering.answer(q)
        shown = replace(answer, timings_ms={**answer.timings_ms, "load": round(load_ms, 1)})
        if json_out or question == "-":
            print(json.dumps(answer_json(shown), ensure_ascii=False), flush=True)
        else:
            print_answer(console, shown)
        if basis.settings.question_log_cli:  # after the answer: a failed log write never loses it
            try:
                basis.records.record(answer, origin="cli")
            except Exception as exc:
                cause = getattr(exc, "orig", None) or exc  # the driver's error, not SQLAlchemy's wrapper
                reason = str(cause).splitlines()[0] if str(cause) else ""
                errors.print(
                    escape(f"warning: the question log was not written ({type(cause).__name__}: {reason})"),
                    highlight=False,
                )

    _each_question(question, show)


@app.command()
def define(term: str, json_out: JsonOpt = False, knowledge: KnowledgeOpt = None) -> None:
    """Look up a term in the bilingual glossary (fuzzy, English or Chinese)."""
    from bot.answering_service import define

    result = define(_settings(knowledge=knowledge), term)
    status = result.status
    if json_out:
        print(
            json.dumps(
                {
                    "entry": result.entry.shown() if result.entry else None,
                    "suggestions": list(result.suggestions),
                    "status": list(status),
                },
                ensure_ascii=False,
                default=str,  # the dates of a status timeline
            )
        )
        return
    if result.entry is None:
        hint = f" Did you mean: {', '.join(result.suggestions)}?" if result.suggestions else ""
        console.print(escape(f"No glossary entry for {term!r}.{hint}"), highlight=False)
        raise typer.Exit(1)
    e = result.entry
    console.print(f"[bold]{escape(e.term)}[/] — {escape(' / '.join(e.zh))}", highlight=False)
    console.print(escape(e.definition), highlight=False)
    if e.definition_zh:
        console.print(escape(e.definition_zh), highlight=False)
    for line in status:
        console.print(f"[bold yellow]{escape(line)}[/]", highlight=False)
    related = escape(", ".join(e.related))
    console.print(f"[dim]Source: {escape(e.citation)}. Related: {related}[/]", highlight=False)


@app.command("eval")
def evaluate(
    file: Annotated[Path | None, typer.Argument(help="A JSON Lines question set.")] = None,
    index: IndexOpt = None,
    json_out: JsonOpt = False,
    answers: Annotated[bool, typer.Option(help="Also compose answers and score them.")] = True,
    all_sets: Annotated[
        bool, typer.Option("--all", help="Every set in BASIS_EVAL_DIR, each against its own index.")
    ] = False,
    heldout: Annotated[
        bool, typer.Option("--heldout", help="The held-out 30 % of the training questions, per index.")
    ] = False,
) -> None:
    """Score retrieval (Recall@k, MRR) and answers (key facts, warnings, declines, faithfulness)."""
    from bot.both_indexes import evaluate_all, evaluate_file, evaluate_heldout
    from bot.evaluation import eval_table

    settings = _settings(index)
    if heldout or all_sets:
        results = (evaluate_heldout if heldout else evaluate_all)(settings, _progress, _notice)
        if json_out:
            print(json.dumps({k: v["metrics"] for k, v in results.items()}, ensure_ascii=False, indent=2))
            return
        console.print(escape(eval_table(results)), highlight=False)
        return
    if file is None:
        raise BasisError("Give a question set, or --all for every set in BASIS_EVAL_DIR.")
    data = evaluate_file(settings, file, answers)
    if json_out:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for name, metrics in data["metrics"].items():
        shown = ", ".join(f"{k} {v}" for k, v in metrics.items() if v is not None)
        console.print(f"[bold]{escape(name)}[/]: {escape(shown)}", highlight=False)
    misses = [r["id"] for r in data["rows"] if r.get("rank", 0) is None]
    if misses:
        console.print(escape(f"missed: {', '.join(misses)}"), highlight=False)


@ranker_app.command("train")
def ranker_train(
    index: IndexOpt = None,
    distant: Annotated[
        bool, typer.Option(help="Add distant-supervision pairs (explainer sentences citing a paragraph).")
    ] = False,
) -> None:
    """Fit the passage and sentence models from bot/ranking/questions (seeded; writes bot/ranking/models)."""
    from bot.training import train_both

    report = train_both(_settings(index), _progress, _notice, distant)
    console.print(
        escape(
            f"Trained on {report.passages} passage and {report.sentences} sentence examples; "
            f"wrote {', '.join(report.paths)}."
        ),
        highlight=False,
    )
    for name, recall in report.recall.items():
        console.print(f"Recall@5 {name}: {recall}", highlight=False)
    console.print(f"Decline threshold (calibrated): {report.threshold:.4f}", highlight=False)
    for part_name, table in report.declines.items():
        for group, counts in table.items():
            console.print(escape(f"Declines, {part_name}, {group}: {counts.line()}"), highlight=False)


@ranker_app.command("tune")
def ranker_tune(
    seed: Annotated[int, typer.Option(help="Seed for shuffling and initialisation.")] = 0,
    epochs: Annotated[int, typer.Option(help="Passes over the training questions.")] = 2,
    layers: Annotated[int, typer.Option(help="Top transformer layers that learn.")] = 3,
    threads: Annotated[int, typer.Option(help="Torch threads for training.")] = 1,
    index: IndexOpt = None,
) -> None:
    """Fine-tune the MiniLM bi-encoder on bot/ranking/questions (seeded; writes bot/indexing/weights).

    Reads the chunks of both built indexes (any model). Then rebuild both indexes and run
    `basis ranker train`: `make models` does it all."""
    from bot.finetune import TextIndex, TuneConfig, tune

    settings = _settings(index)
    knowledge = TextIndex.open(settings.index_dir, settings.knowledge_dir)
    corpus = TextIndex.open(settings.corpus_index_dir, settings.knowledge_dir)
    report = tune(
        {"knowledge": knowledge, "shared-corpus": corpus},
        TuneConfig(seed=seed, epochs=epochs, layers=layers, threads=threads),
    )
    console.print(
        escape(
            f"Fine-tuned on {report.examples} questions in {report.steps} steps ({report.seconds} s); "
            f"loss {report.losses[:1]} → {report.losses[-1:]}; "
            f"wrote {report.path} (sha256 {report.sha256[:12]})."
        ),
        highlight=False,
    )


@kb_app.command("check")
def kb_check(directory: Annotated[Path | None, typer.Argument(help="Knowledge directory.")] = None) -> None:
    """Validate every document, the glossary and the Chinese twins; list problems as `file: field: what is
    wrong`, then the twins' coverage."""
    settings = _settings()
    if directory is not None:
        settings = settings.model_copy(update={"knowledge_dir": directory})
    review = _knowledge_base(settings).check()
    problems = review.problems
    for p in problems:
        style = "red" if p.severity == "error" else "yellow"
        console.print(f"[{style}]{p.severity}[/] {escape(str(p))}", highlight=False)
    errors_found = sum(p.severity == "error" for p in problems)
    console.print(review.coverage.summary(), highlight=False)
    console.print(f"{errors_found} errors, {len(problems) - errors_found} warnings.", highlight=False)
    if errors_found:
        raise typer.Exit(1)


@kb_app.command("twins")
def kb_twins(doc_id: str, knowledge: KnowledgeOpt = None) -> None:
    """Print the YAML skeleton of DOC_ID's quotable sentences that have no Chinese twin yet,
    for `knowledge/zh/DOC_ID.yaml` (fill in each `zh`)."""
    sys.stdout.write(_knowledge_base(_settings(knowledge=knowledge)).twins(doc_id))


@kb_app.command("add")
def kb_add(source: str, index: IndexOpt = None, knowledge: KnowledgeOpt = None) -> None:
    """Add a file (.md, .txt, .html, .pdf) or import a URL, then rebuild."""
    from bot.knowledge_base import KnowledgeBase

    data = KnowledgeBase.read_source(source)  # refused before the index opens
    kb = _open(_settings(index, knowledge)).kb
    actor = "cli"
    if data is None:
        errors.print(escape(f"Fetching {source} …"), highlight=False)
        with _progress() as progress:
            change = kb.add_url(source, actor=actor, progress=progress)
    else:
        errors.print(escape(f"Reading {source} ({len(data):,} bytes) …"), highlight=False)
        upload = kb.parse_upload(Path(source).name, data, actor=actor)  # before the writer lock
        errors.print(escape(f"Read {upload.relative}; writing and rebuilding …"), highlight=False)
        with _progress() as progress:
            change = kb.add(upload, actor=actor, progress=progress)
    console.print(escape(change.summary), highlight=False)


@kb_app.command("remove")
def kb_remove(doc_id: str, index: IndexOpt = None, knowledge: KnowledgeOpt = None) -> None:
    """Remove a document by id, then rebuild."""
    with _progress() as progress:
        change = _open(_settings(index, knowledge)).kb.remove(doc_id, actor="cli", progress=progress)
    console.print(escape(change.summary), highlight=False)


@kb_app.command("accept")
def kb_accept(
    doc_id: Annotated[str | None, typer.Argument(help="The quarantined document's id.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    index: IndexOpt = None,
    knowledge: KnowledgeOpt = None,
) -> None:
    """Serve a quarantined document after reading its flagged sentences; without an id, list them all."""
    from bot.errors import KnowledgeBaseError

    kb = _knowledge_base(_settings(index, knowledge))
    held = kb.quarantined()
    shown = [h for h in held if doc_id in (None, h.doc.id)]
    if doc_id is not None and not shown:
        ids = ", ".join(h.doc.id for h in held) or "none"
        raise KnowledgeBaseError(f"{doc_id!r} is not quarantined (quarantined now: {ids}).")
    for h in shown:
        console.print(f"{h.doc.id}  {h.doc.path}: {len(h.sentences)} flagged sentence(s)", markup=False)
        for sentence in h.sentences:
            console.print(f"  “{' '.join(sentence.split())}”", markup=False, highlight=False)
    if doc_id is None:
        console.print(f"{len(held)} quarantined.", highlight=False)
        return
    if not yes:
        typer.confirm("Serve this document, these sentences included?", abort=True)
    with _progress() as progress:
        change = kb.accept(doc_id, actor="cli", progress=progress)
    console.print(escape(change.summary), highlight=False)


@kb_app.command("list")
def kb_list(index: IndexOpt = None) -> None:
    """List the indexed documents."""
    for doc in _open(_settings(index)).kb.list_documents():
        console.print(
            f"{escape(doc.id)}  [dim]{source_label(doc.source_type)}[/]  {escape(doc.title)}", highlight=False
        )


@app.command("sync")
def sync(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Fetch and compare; write nothing.")] = False,
    json_out: JsonOpt = False,
    index: IndexOpt = None,
    knowledge: KnowledgeOpt = None,
) -> None:
    """Fetch the tracked official sources (knowledge/sources.yaml); write and re-index what changed."""
    with _progress() as progress:  # the model is loaded only if something changed
        report = _knowledge_base(_settings(index, knowledge)).sync(
            actor="cli", dry_run=dry_run, progress=progress
        )
    if json_out:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            console.print(line, highlight=False, markup=False)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def report(
    since: Annotated[int | None, typer.Option(help="Days to look back (BASIS_REPORT_DAYS).")] = None,
    html: Annotated[Path | None, typer.Option(help="Also write a self-contained HTML file.")] = None,
    index: IndexOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Coverage and feedback: declined questions grouped, 👎 answers, citations, stale documents."""
    from bot.reporting.html import render_html
    from bot.reporting.text import print_report

    result = _open(_settings(index)).records.report(since, actor="cli")
    if html:
        html.write_text(render_html(result), encoding="utf-8")
        errors.print(f"Wrote {html}", highlight=False, markup=False)
    if json_out:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        print_report(console, result)


@data_app.command("purge")
def data_purge(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every logged question, vote and remembered answer."""
    settings = _settings()
    if not yes:
        where = "the shared database" if settings.database_url else settings.data_dir
        typer.confirm(f"Delete all questions and feedback in {where}?", abort=True)
    deleted = _records(settings).purge()
    console.print(
        "Deleted " + ", ".join(f"{n} {table}" for table, n in deleted.items()) + ".", highlight=False
    )


@data_app.command("migrate")
def data_migrate(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            envvar="BASIS_DATABASE_URL",
            show_default=False,
            help="PostgreSQL URL (BASIS_DATABASE_URL).",
        ),
    ],
) -> None:
    """Copy the question log, feedback and audit trail in BASIS_DATA_DIR into PostgreSQL (safe to repeat)."""
    settings = _settings()
    for table in _records(settings).migrate_to(to):
        console.print(
            f"{table.table}: {table.source} in {settings.data_dir}, {table.added} added, "
            f"{table.after} in PostgreSQL",
            highlight=False,
            markup=False,
        )


@app.command()
def run() -> None:
    """Start the Discord bot (DISCORD_TOKEN from the environment or .env)."""
    from bot.discord_app import run as run_bot

    raise typer.Exit(run_bot(load_settings()))


def _print_version(value: bool) -> None:
    """`basis --version`: the installed package's version, one line, then exit."""
    if value:
        console.print(f"basis {package_version()}", highlight=False, markup=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print Basis's version and exit."
        ),
    ] = False,
) -> None:
    """Basis: export-control answers that always show their basis."""


def package_version() -> str:
    """The version of the installed basis-bot distribution (pyproject.toml's, via its metadata)."""
    return metadata.version(DISTRIBUTION)


def main() -> None:
    """Entry point: turns every BasisError and every settings error into one readable line and exit
    code 1; so too an operating-system or database failure no module foresaw (a full disk), named
    with its file."""
    try:
        app()
    except BasisError as exc:
        errors.print(f"[red]Error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(1)
    except ValidationError as exc:
        if exc.title != Settings.__name__:
            raise
        errors.print(f"[red]Error:[/] {escape(setting_problems(exc))}", highlight=False)
        sys.exit(1)
    except (OSError, *_database_errors()) as exc:
        cause = getattr(exc, "orig", None) or exc  # the driver's error, not SQLAlchemy's wrapper
        where = f" ({cause.filename})" if isinstance(cause, OSError) and cause.filename else ""
        reason = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(cause)
        line = reason.splitlines()[0] if reason else type(cause).__name__
        errors.print(f"[red]Error:[/] {escape(line + where)}", highlight=False)
        sys.exit(1)


def _database_errors() -> tuple[type[Exception], ...]:
    """The store layer's errors, imported only once an error reaches `main` (an `except` clause is
    evaluated only then), so a command that never opens a database never loads SQLAlchemy."""
    from sqlalchemy.exc import DBAPIError

    return (sqlite3.Error, DBAPIError)
