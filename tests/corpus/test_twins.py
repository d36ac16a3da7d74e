"""`knowledge/zh/<id>.yaml`: parsed, checked, and attached to its document at load."""

from __future__ import annotations

import json
from pathlib import Path

from bot.corpus.knowledge import load_knowledge
from bot.corpus.twins import parse_twins
from bot.models import twin_key

EN = "The Entity List names parties that need a license for most items."
ZH = "实体清单列出了大多数物项都需要许可证才能向其出口的各方。"


def _file(doc_id: str, *sentences: tuple[str, str, str]) -> bytes:
    lines = [f"document: {doc_id}", "sentences:"]
    for key, en, zh in sentences:
        lines += [
            f"  - key: {key}",
            f"    en: {json.dumps(en)}",
            f"    zh: {json.dumps(zh, ensure_ascii=False)}",
        ]
    return ("\n".join(lines) + "\n").encode()


def test_a_valid_file_gives_its_translated_twins() -> None:
    data = _file(
        "entity-list", (twin_key(EN), EN, ZH), (twin_key("Other sentence here."), "Other sentence here.", "")
    )
    parsed, problems = parse_twins(data, "zh/entity-list.yaml")
    assert problems == []
    assert parsed is not None
    assert parsed.twins() == ((twin_key(EN), ZH),)  # an empty zh is not a twin yet


def test_a_key_that_is_not_its_sentences_key_is_an_error() -> None:
    _, problems = parse_twins(_file("entity-list", ("0123456789ab", EN, ZH)), "zh/entity-list.yaml")
    assert [(p.field, p.severity) for p in problems] == [("sentences[0]", "error")]
    assert twin_key(EN) in problems[0].message


def test_duplicate_keys_and_a_wrong_document_name_are_errors() -> None:
    data = _file("other", (twin_key(EN), EN, ZH), (twin_key(EN), EN, ZH))
    _, problems = parse_twins(data, "zh/entity-list.yaml")
    assert {p.field for p in problems} == {"document", "sentences[1]"}


def test_anchors_and_aliases_are_refused() -> None:
    data = (
        f"document: x\nsentences:\n  - &one {{key: {twin_key(EN)}, en: {json.dumps(EN)}, zh: z}}\n  - *one\n"
    )
    parsed, problems = parse_twins(data.encode(), "zh/x.yaml")
    assert parsed is None
    assert "anchors and aliases" in problems[0].message


def test_unknown_fields_and_bad_keys_are_reported_by_field() -> None:
    data = b"document: x\nsentences:\n  - key: XYZ\n    en: a\n    zh: b\n    note: c\n"
    parsed, problems = parse_twins(data, "zh/x.yaml")
    assert parsed is None
    assert {p.field for p in problems} == {"sentences.0.key", "sentences.0.note"}


def test_twins_reach_their_document_and_the_folder_holds_no_documents(knowledge_dir: Path) -> None:
    doc = load_knowledge(knowledge_dir).documents[0]
    (knowledge_dir / "zh").mkdir(exist_ok=True)
    (knowledge_dir / "zh" / f"{doc.id}.yaml").write_bytes(_file(doc.id, (twin_key(EN), EN, ZH)))
    (knowledge_dir / "zh" / "README.md").write_text("# How to write twins\n\nNot a document.\n", "utf-8")
    loaded = load_knowledge(knowledge_dir)
    by_id = {d.id: d for d in loaded.documents}
    assert by_id[doc.id].twin(EN) == ZH
    assert not any(d.path.startswith("zh") for d in loaded.documents)
    assert loaded.problems == []


def test_twins_of_an_unknown_document_are_an_error(knowledge_dir: Path) -> None:
    (knowledge_dir / "zh").mkdir(exist_ok=True)
    (knowledge_dir / "zh" / "nowhere.yaml").write_bytes(_file("nowhere", (twin_key(EN), EN, ZH)))
    problems = load_knowledge(knowledge_dir).problems
    assert [(p.file, p.field, p.severity) for p in problems] == [("zh/nowhere.yaml", "document", "error")]
