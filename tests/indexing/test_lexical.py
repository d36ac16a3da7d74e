"""The lexical index segments Chinese with jieba, with the glossary's Chinese terms kept whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import bm25s
import yaml

from bot.corpus.glossary_file import FILE_NAME
from bot.indexing import store
from bot.indexing.build import build_index
from bot.indexing.lexical import FOLDER, LexicalIndex, Tokenizer
from bot.service import Basis, chunker_config
from bot.settings import Settings
from tests.fakes import HashEmbedder
from tests.helpers import front_matter_doc


def test_english_words_are_stemmed_and_legal_numbers_stay_whole() -> None:
    assert Tokenizer().tokenize("Deemed exports under 15 CFR 734.13(b) and ECCN 4E091") == [
        "deem",
        "export",
        "15",
        "cfr",
        "734.13",
        "b",
        "eccn",
        "4e091",
    ]


def test_a_registered_term_stays_one_token() -> None:
    text = "在美国境内向外国人释放受控技术视同出口"
    assert "视同出口" not in Tokenizer().tokenize(text)  # jieba alone cuts it into 视同 + 出口
    tokenizer = Tokenizer(["视同出口", "出口管制分类编号"])
    assert "视同出口" in tokenizer.tokenize(text)
    assert "出口管制分类编号" in tokenizer.tokenize("ECCN（出口管制分类编号）是什么？")


def test_questions_and_documents_share_the_segmentation() -> None:
    tokenizer = Tokenizer(["视同出口"])
    question = tokenizer.tokenize("什么是视同出口？")
    assert "视同出口" in question
    assert not {"什么", "是", "？"} & set(question)  # question words and punctuation are dropped
    assert "视同出口" in tokenizer.tokenize("释放技术视同出口。")


def test_mixed_text_keeps_both_scripts() -> None:
    tokens = Tokenizer(["出口管制分类编号"]).tokenize("ECCN（出口管制分类编号）3A090 是什么？")
    assert tokens[0] == "eccn" and tokens[-1] == "3a090"
    assert "出口管制分类编号" in tokens


def test_only_chinese_terms_are_registered() -> None:
    tokenizer = Tokenizer(["deemed export", "EAR99物项", "实体清单"])
    assert "实体清单" in tokenizer.terms
    assert "EAR99物项" not in tokenizer.terms and "deemed export" not in tokenizer.terms


def test_tokenizers_do_not_share_terms() -> None:
    taught = Tokenizer(["视同出口"])
    assert "视同出口" in taught.tokenize("视同出口")
    assert "视同出口" not in Tokenizer().tokenize("视同出口")


def test_index_build_registers_the_glossary_terms(settings: Settings, embedder: HashEmbedder) -> None:
    assert "视为出口" not in Tokenizer().tokenize("视为出口")
    build_index(
        settings.knowledge_dir, settings.index_dir, embedder, chunker_config(settings), settings.ann_threshold
    )
    folder = store.current_folder(settings.index_dir)
    vocabulary = bm25s.BM25.load(str(folder / FOLDER)).vocab_dict
    assert {"视同出口", "视为出口", "实体清单", "许可证要求"} <= set(vocabulary)


def test_a_chinese_query_finds_an_english_document_through_its_summary(basis: Basis) -> None:
    # smuggling-report is written in English; only its summary_zh says 显卡 and 走私.
    hits = basis.answering.index.lexical.search("显卡走私", k=5, tokenizer=basis.answering.tokenizer)
    assert hits
    docs = {basis.answering.index.chunks[i].doc_id for i, _ in hits}
    assert docs == {"smuggling-report"}
    assert "显卡" not in basis.answering.index.documents["smuggling-report"].text


def test_a_chinese_query_finds_the_chunk_that_holds_the_term(basis: Basis) -> None:
    hits = basis.answering.index.lexical.search("实体清单", k=3, tokenizer=basis.answering.tokenizer)
    assert hits
    best = basis.answering.index.chunks[hits[0][0]]
    summary = basis.answering.index.documents[best.doc_id].summary_zh
    assert "实体清单" in best.text or "实体清单" in summary
    assert best.heading.startswith("Entity List")  # the glossary entry, which holds 中文：实体清单


def test_whole_term_outranks_its_parts(settings: Settings, embedder: HashEmbedder) -> None:
    """With 视同出口 registered, a chunk about it beats one that only has 视同 and 出口 apart."""
    glossary = yaml.safe_load((settings.knowledge_dir / FILE_NAME).read_text("utf-8"))
    for name in list(settings.knowledge_dir.iterdir()):
        if name.is_dir():
            shutil.rmtree(name)  # the Chinese twins folder
        else:
            name.unlink()
    (settings.knowledge_dir / FILE_NAME).write_text(
        yaml.safe_dump(glossary[:1], allow_unicode=True), "utf-8"
    )  # deemed export only
    for doc_id, summary in (
        ("whole", "向外国人释放技术视同出口。"),
        ("parts", "视同本国企业，出口不受限制。"),
        ("neither", "关于显卡走私的报道。"),
    ):
        (settings.knowledge_dir / f"{doc_id}.md").write_text(
            front_matter_doc(doc_id, body="## Notes\n\nAn English note.\n", summary_zh=summary), "utf-8"
        )
    build_index(
        settings.knowledge_dir, settings.index_dir, embedder, chunker_config(settings), settings.ann_threshold
    )
    basis = Basis.open(settings, embedder=embedder)
    hits = basis.answering.index.lexical.search("视同出口", k=5, tokenizer=basis.answering.tokenizer)
    scores = {basis.answering.index.chunks[i].doc_id: score for i, score in hits}
    assert scores["whole"] > scores["parts"] > 0  # unregistered, the two would tie on 视同 + 出口
    assert "neither" not in scores


def test_lexical_index_round_trip(tmp_path: Path) -> None:
    tokenizer = Tokenizer(["实体清单"])
    texts = ["实体清单上的公司", "出口管制分类编号", "An English sentence about exports."]
    LexicalIndex.build(texts, tokenizer).save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert [i for i, _ in loaded.search("实体清单", k=3, tokenizer=tokenizer)] == [0]
    assert [i for i, _ in loaded.search("exporting", k=3, tokenizer=tokenizer)] == [2]
    assert loaded.search("走私", k=3, tokenizer=tokenizer) == []  # no shared word: nothing, not noise


def test_a_tokenizer_reuses_the_builds_cuts_and_loads_no_dictionary(tmp_path: Path, monkeypatch) -> None:
    """Tokens are the same with the saved cuts, and jieba's dictionary is never loaded for them."""
    import bot.indexing.lexical as lexical

    texts = ["视同出口 is a deemed export", "实体清单上的公司需要许可证。"]
    builder = Tokenizer(["视同出口"])
    expected = [builder.tokenize(t) for t in texts]
    builder.segments().save(tmp_path)

    def no_dictionary() -> None:
        raise AssertionError("jieba's dictionary was loaded")

    monkeypatch.setattr(lexical, "_base_dictionary", no_dictionary)
    reader = Tokenizer(["视同出口"], lexical.Segments.load(tmp_path))
    assert [reader.tokenize(t) for t in texts] == expected


def test_cuts_made_with_other_glossary_terms_are_not_reused(tmp_path: Path) -> None:
    from bot.indexing.lexical import Segments

    Tokenizer(["视同出口"]).segments().save(tmp_path)
    other = Tokenizer(["实体清单"], Segments.load(tmp_path))
    assert other.segments().cuts == {}
