"""The `basis` command line, with the fake embedder standing in for the model."""

from __future__ import annotations

import json
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app, main
from bot.settings import Settings, available_cores
from tests.fakes import HashEmbedder
from tests.helpers import front_matter_doc

runner = CliRunner()

SEARCH_RESULT_KEYS = {"rank", "doc_id", "title", "heading", "citation", "url", "source_type", "text", "score"}
ASK_KEYS = {"question", "answer", "mode", "citations", "warnings", "abstained", "timings_ms"}
CITATION_KEYS = {"n", "doc_id", "title", "citation", "url", "source_type", "quote", "passage"}


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def cli_index(fake_model: HashEmbedder, knowledge_dir: Path, index_dir: Path) -> Path:
    result = runner.invoke(
        app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index_dir)]
    )
    assert result.exit_code == 0, result.output
    return index_dir


def _one_line(text: str) -> str:
    return " ".join(text.split())


# index build / status


def test_index_build_embeds_on_every_core_and_answers_keep_one(
    monkeypatch: pytest.MonkeyPatch, embedder: HashEmbedder, knowledge_dir: Path, index_dir: Path
) -> None:
    """`basis index build` is a batch job: its embedder gets every core this process may use,
    or BASIS_BUILD_THREADS; everything else keeps BASIS_MODEL_THREADS."""
    import bot.knowledge_base
    import bot.service

    threads: list[int] = []

    def embedder_for(settings: Settings) -> HashEmbedder:
        threads.append(settings.model_threads)
        return embedder

    monkeypatch.setattr(bot.knowledge_base, "embedder_for", embedder_for)
    monkeypatch.setattr(bot.service, "embedder_for", embedder_for)
    args = ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index_dir)]
    assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, args, env={"BASIS_BUILD_THREADS": "3"}).exit_code == 0
    question = ["ask", "What is a deemed export?", "--index", str(index_dir)]
    assert runner.invoke(app, question, env={"BASIS_KNOWLEDGE_DIR": str(knowledge_dir)}).exit_code == 0
    assert threads == [available_cores(), 3, 1]


def test_index_build_summary(fake_model: HashEmbedder, knowledge_dir: Path, index_dir: Path) -> None:
    result = runner.invoke(
        app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index_dir)]
    )
    assert result.exit_code == 0, result.output
    summary = _one_line(result.stdout)
    assert summary.startswith(
        "Documents: 7 added, 0 changed, 0 removed, 0 unchanged, 0 skipped. 7 documents, "
    )
    assert fake_model.encoded_texts > 0
    assert (index_dir / "current" / "manifest.json").is_file()

    fake_model.calls.clear()
    again = runner.invoke(
        app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index_dir)]
    )
    assert again.exit_code == 0
    assert _one_line(again.stdout).startswith(
        "Documents: 0 added, 0 changed, 0 removed, 7 unchanged, 0 skipped."
    )
    assert "(0 embedded)" in _one_line(again.stdout)
    assert fake_model.calls == []


def test_index_build_skips_bad_files_and_strict_fails(
    fake_model: HashEmbedder, knowledge_dir: Path, index_dir: Path
) -> None:
    (knowledge_dir / "broken.md").write_text('---\nid: broken\ntitle: "open\n---\nBody\n', "utf-8")
    args = ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index_dir)]
    lenient = runner.invoke(app, args)
    assert lenient.exit_code == 0
    assert "1 skipped" in _one_line(lenient.stdout)
    assert "broken.md: front matter: malformed YAML" in _one_line(lenient.stderr)
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1
    assert "broken.md: front matter: malformed YAML" in str(strict.exception)
    # A strict failure publishes nothing (tests/faults/test_index_strict.py).
    assert "unchanged" not in strict.stdout


def test_index_build_strict_passes_on_a_clean_knowledge_base(
    fake_model: HashEmbedder, knowledge_dir: Path, index_dir: Path
) -> None:
    result = runner.invoke(
        app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index_dir), "--strict"]
    )
    assert result.exit_code == 0


def test_index_status(cli_index: Path) -> None:
    result = runner.invoke(app, ["index", "status", "--index", str(cli_index)])
    assert result.exit_code == 0
    text = _one_line(result.stdout)
    assert f"Index {cli_index}: 7 documents, " in text
    assert "model fake-hash (64-d)" in text
    assert "flat dense index" in text
    assert "knowledge as of 2026-11-27" in text
    as_json = runner.invoke(app, ["index", "status", "--index", str(cli_index), "--json"])
    data = json.loads(as_json.stdout)
    assert data["model"] == {"name": "fake-hash", "dimension": 64}
    assert data["counts"]["documents"] == 7
    assert "documents" not in data


def test_index_status_without_an_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["basis", "index", "status", "--index", str(tmp_path / "none")])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    err = _one_line(capsys.readouterr().err)
    assert err.startswith("Error: No index has been built in")
    assert "Run `basis index build` first." in err
    assert "Traceback" not in err


# search


def test_search_json_shape(cli_index: Path) -> None:
    question = "What would the bill on location tracking of advanced processors require?"
    result = runner.invoke(app, ["search", "--json", "--index", str(cli_index), "-k", "3", question])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"question", "results"}
    assert data["question"] == question
    assert len(data["results"]) == 3
    for rank, row in enumerate(data["results"], start=1):
        assert set(row) == SEARCH_RESULT_KEYS
        assert row["rank"] == rank
        assert isinstance(row["score"], float)
        for key in ("doc_id", "title", "heading", "citation", "url", "source_type", "text"):
            assert isinstance(row[key], str)
    top = data["results"][0]
    assert top["doc_id"] == "chip-tracking-bill"
    assert top["citation"] == "H.R. 9999 (119th)"
    assert top["source_type"] == "bill"
    assert top["heading"] == "What the bill would do"
    assert top["url"] == "https://www.congress.gov/bill/119th-congress/house-bill/9999"
    assert "location verification" in top["text"]
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_reads_questions_from_stdin(cli_index: Path) -> None:
    questions = ["What is a deemed export?", "", "How were graphics cards smuggled?", "什么是视同出口？"]
    result = runner.invoke(app, ["search", "--index", str(cli_index), "-"], input="\n".join(questions) + "\n")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3  # blank lines are skipped
    rows = [json.loads(line) for line in lines]
    assert [r["question"] for r in rows] == [q for q in questions if q]
    for row in rows:
        assert set(row) == {"question", "results"}
        assert row["results"] and all(set(r) == SEARCH_RESULT_KEYS for r in row["results"])
    assert rows[1]["results"][0]["doc_id"] == "smuggling-report"


def test_search_loads_the_model_once_for_stdin(cli_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.service

    loads: list[str] = []
    real = bot.service.embedder_for

    def counting(settings: object) -> HashEmbedder:
        loads.append("load")
        return real(settings)

    monkeypatch.setattr(bot.service, "embedder_for", counting)
    result = runner.invoke(
        app, ["search", "--index", str(cli_index), "-"], input="a question\nanother question\n"
    )
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2
    assert len(loads) == 1


def test_search_human_output(cli_index: Path) -> None:
    result = runner.invoke(app, ["search", "--index", str(cli_index), "How were graphics cards smuggled?"])
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert first.startswith("1. Reports of graphics card smuggling — What reporters found")
    assert "(reporting, score" in _one_line(result.stdout)


# ask


def test_ask_json_shape(cli_index: Path) -> None:
    question = "What legal basis does the 2026 directive rest on?"
    result = runner.invoke(app, ["ask", "--json", "--index", str(cli_index), question])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= ASK_KEYS
    assert data["question"] == question
    assert data["mode"] == "extractive"
    assert data["abstained"] is False
    assert isinstance(data["answer"], str) and "[1]" in data["answer"]
    assert data["citations"]
    for n, citation in enumerate(data["citations"], start=1):
        assert set(citation) >= CITATION_KEYS
        assert citation["n"] == n
        assert citation["quote"] in citation["passage"]
        assert f"{_one_line(citation['quote'])} [{n}]" in data["answer"]
    assert data["citations"][0]["doc_id"] == "directive-2026"
    assert data["citations"][0]["citation"] == "Commerce letter of 2026-06-12 (unpublished)"
    assert data["citations"][0]["source_type"] == "analysis"
    assert [set(w) for w in data["warnings"]] == [{"code", "message"}]
    assert data["warnings"][0]["code"] == "legal_basis_not_public"
    assert {"search", "compose", "load"} <= set(data["timings_ms"])


def test_ask_reads_questions_from_stdin(cli_index: Path) -> None:
    questions = ["What is a deemed export?", "What would the bill on location tracking require?"]
    result = runner.invoke(app, ["ask", "--index", str(cli_index), "-"], input="\n".join(questions))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions
    assert all(set(r) >= ASK_KEYS for r in rows)
    assert [w["code"] for w in rows[1]["warnings"]] == ["not_law", "status"]


def test_ask_human_output_order(cli_index: Path) -> None:
    result = runner.invoke(
        app, ["ask", "--index", str(cli_index), "What legal basis does the 2026 directive rest on?"]
    )
    assert result.exit_code == 0, result.output
    out = _one_line(result.stdout)  # rich wraps long lines for people; compare the words
    warning = out.index("⚠ The government has not published the legal basis")
    answer = out.index("The government has not published the legal basis for the directive. [1]")
    sources = out.index("Sources")
    footer = out.index("Not legal advice")
    assert warning < answer < sources < footer
    assert "[1] Commerce letter of 2026-06-12 (unpublished) — The 2026 model-access directive" in out
    assert out.rstrip().endswith("Not legal advice — read the cited sources before relying on this.")


def test_ask_empty_question_is_a_readable_error(
    cli_index: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr(sys, "argv", ["basis", "ask", "--index", str(cli_index), "   "])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    assert "Please ask a question" in capsys.readouterr().err


# define


def test_define_found(knowledge_dir: Path) -> None:
    result = runner.invoke(app, ["define", "视为出口", "--knowledge", str(knowledge_dir)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "deemed export — 视同出口 / 视为出口"
    assert "Releasing controlled technology to a foreign person" in _one_line(result.stdout)
    assert "Source: 15 CFR 734.13(b). Related: release, foreign person, export" in _one_line(result.stdout)


def test_define_json(knowledge_dir: Path) -> None:
    result = runner.invoke(app, ["define", "deemd export", "--json", "--knowledge", str(knowledge_dir)])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["entry"]["term"] == "deemed export"
    assert data["entry"]["zh"] == ["视同出口", "视为出口"]
    assert isinstance(data["suggestions"], list)


def test_define_did_you_mean(knowledge_dir: Path) -> None:
    result = runner.invoke(app, ["define", "foreign", "--knowledge", str(knowledge_dir)])
    assert result.exit_code == 1
    assert _one_line(result.stdout).startswith(
        "No glossary entry for 'foreign'. Did you mean: foreign person"
    )
    unknown = runner.invoke(app, ["define", "sourdough", "--json", "--knowledge", str(knowledge_dir)])
    assert json.loads(unknown.stdout)["entry"] is None


# eval


@pytest.fixture
def questions_file(tmp_path: Path) -> Path:
    rows = [
        {
            "id": "t1",
            "lang": "en",
            "question": "What would the bill on location tracking of advanced processors require?",
            "evidence_any": ["build location verification into every chip"],
            "k": 5,
            "expect_warning": False,
            "expect_abstain": False,
        },
        {
            "id": "t2",
            "lang": "en",
            "question": "What legal basis does the 2026 directive rest on?",
            "evidence_any": ["has not published the legal basis"],
            "k": 5,
            "expect_warning": True,
            "expect_abstain": False,
        },
        {
            "id": "t3",
            "lang": "en",
            "question": "What is a deemed export?",
            "evidence_any": ["a phrase that appears in no passage at all"],
            "k": 5,
        },
    ]
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    return path


def test_eval_prints_recall_and_mrr(cli_index: Path, questions_file: Path) -> None:
    result = runner.invoke(app, ["eval", str(questions_file), "--index", str(cli_index)])
    assert result.exit_code == 0, result.output
    out = _one_line(result.stdout)
    assert "all: questions 3, recall_at_k 0.6667, mrr 0.5" in out
    assert "en: questions 3, recall_at_k 0.6667" in out
    assert "citation_faithfulness 1.0" in out
    assert "missed: t3" in out


def test_eval_json(cli_index: Path, questions_file: Path) -> None:
    result = runner.invoke(app, ["eval", str(questions_file), "--index", str(cli_index), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    overall = data["metrics"]["all"]
    assert overall["questions"] == 3
    assert overall["recall_at_k"] == pytest.approx(2 / 3, abs=1e-4)
    assert overall["mrr"] == pytest.approx(1 / 2, abs=1e-4)  # the directive's glossary entry ranks first
    assert overall["warning_accuracy"] == 1.0
    assert overall["false_abstention_rate"] == 0.0
    assert overall["citation_faithfulness"] == 1.0
    assert overall["passages_in_source"] == 1.0
    assert [r["id"] for r in data["rows"]] == ["t1", "t2", "t3"]
    assert data["rows"][0]["rank"] == 1 and data["rows"][2]["rank"] is None


def test_eval_rejects_a_bad_question_file(cli_index: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', "utf-8")
    monkeypatch.setattr(sys, "argv", ["basis", "eval", str(bad), "--index", str(cli_index)])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    assert "every line needs at least an id and a question" in _one_line(capsys.readouterr().err)


# kb add / list / remove through the CLI


def test_kb_add_list_remove(cli_index: Path, knowledge_dir: Path, tmp_path: Path) -> None:
    upload = tmp_path / "encryption-note.md"
    upload.write_text(
        front_matter_doc(
            "encryption-note", body="## Encryption\n\nEncryption items follow their own rule.\n"
        ),
        "utf-8",
    )
    added = runner.invoke(
        app, ["kb", "add", str(upload), "--index", str(cli_index), "--knowledge", str(knowledge_dir)]
    )
    assert added.exit_code == 0, added.output
    assert _one_line(added.stdout).startswith("Added encryption-note.md: Documents: 1 added, 0 changed")
    assert "Recognised as explainer: 15 CFR 734.13; published 2024-09-01" in added.stdout
    assert (knowledge_dir / "imported" / "encryption-note.md").is_file()
    listed = runner.invoke(app, ["kb", "list", "--index", str(cli_index)])
    assert "encryption-note explainer A test document" in _one_line(listed.stdout)
    removed = runner.invoke(
        app, ["kb", "remove", "encryption-note", "--index", str(cli_index), "--knowledge", str(knowledge_dir)]
    )
    assert removed.exit_code == 0, removed.output
    assert "1 removed" in _one_line(removed.stdout)
    assert not (knowledge_dir / "imported" / "encryption-note.md").exists()


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ask", "search", "define", "eval", "index", "kb", "run"):
        assert command in result.stdout


def test_version_prints_the_installed_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"basis {metadata.version('basis-bot')}\n"
    assert re.fullmatch(r"basis \d+\.\d+\.\d+\S*\n", result.stdout)


def test_python_dash_m_bot() -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr
    assert "Basis: export-control answers" in done.stdout


def test_define_by_a_search_alias_shows_only_the_renderings(tmp_path: Path) -> None:
    entry = {
        "term": "IEEPA",
        "aliases": [],
        "zh": ["国际紧急经济权力法"],
        "search_aliases_zh": ["国际紧急经济权利法"],
        "definition": "A statute. It grants emergency powers.",
        "citation": "50 U.S.C. 1701",
        "related": [],
    }
    (tmp_path / "glossary.yaml").write_text(json.dumps([entry], ensure_ascii=False), "utf-8")
    text = runner.invoke(app, ["define", "国际紧急经济权利法", "--knowledge", str(tmp_path)])
    assert text.exit_code == 0
    assert text.stdout.splitlines()[0] == "IEEPA — 国际紧急经济权力法"
    as_json = runner.invoke(app, ["define", "国际紧急经济权利法", "--json", "--knowledge", str(tmp_path)])
    assert as_json.exit_code == 0
    assert "国际紧急经济权利法" not in as_json.stdout
    assert json.loads(as_json.stdout)["entry"]["zh"] == ["国际紧急经济权力法"]


def test_eval_heldout_scores_only_held_out_training_questions_per_index(
    cli_index: Path, questions_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.evaluation

    rows = [json.loads(line) for line in questions_file.read_text("utf-8").splitlines()]
    by_corpus = {"knowledge": rows, "shared-corpus": rows[:1]}
    monkeypatch.setattr(bot.evaluation, "load_rows", lambda corpus: by_corpus[corpus])
    monkeypatch.setattr(bot.evaluation, "part", lambda row: "heldout" if row["id"] != "t2" else "stage")
    monkeypatch.setenv("BASIS_CORPUS_INDEX_DIR", str(cli_index))
    result = runner.invoke(app, ["eval", "--heldout", "--index", str(cli_index), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["heldout-knowledge"]["all"]["questions"] == 2  # t2 trained the stage: left out
    assert data["heldout-shared-corpus"]["all"]["questions"] == 1
