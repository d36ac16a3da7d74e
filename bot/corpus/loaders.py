"""Read one file of any supported kind into a `Document`.

Markdown may carry YAML front matter (checked against the schema) or none at
all, as official texts do: then the title comes from the first heading, the id
from the file name, and leading HTML comments are kept as provenance (they say
where the text came from) but are not indexed. HTML keeps only the main text;
PDF uses its text layer.

Every loader's result is finished the same way (`_finish`): text and title normalised
(`bot.text.normalise_text`: NFKC, no zero-width or control characters), so what is indexed,
screened for injection and quoted is one spelling; and the title and every heading capped in
length, with a warning, so one giant heading cannot turn each answer citing it into hundreds of
Discord messages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml

from bot.corpus.encoding import UTF8, decode_text
from bot.corpus.inference import infer_metadata
from bot.corpus.references import with_refs
from bot.corpus.schema import MAX_ID_CHARS, validate_front_matter
from bot.corpus.yaml_text import load_front_matter
from bot.errors import DocumentError
from bot.models import Document, Problem
from bot.text import normalise_text

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
LEADING_COMMENTS = re.compile(r"\A(?:\s*<!--.*?-->)+\s*", re.DOTALL)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
MAX_TITLE_CHARS = 200
MAX_HEADING_CHARS = 300
LONG_HEADING = re.compile(rf"^(#{{1,6}}[ \t]+[^\n]{{{MAX_HEADING_CHARS}}})[^\n]+", re.MULTILINE)


def slugify(text: str) -> str:
    """A document id from a file name: lowercase words joined by `-`, at most MAX_ID_CHARS long, so
    the file saved under it (with a suffix and a temporary prefix) stays a legal file name."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:MAX_ID_CHARS].rstrip("-") or "document"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_document(path: Path, root: Path | None = None) -> tuple[Document, list[Problem]]:
    """Load `path`; raise DocumentError listing every problem when it cannot be used."""
    name = str(path.relative_to(root)) if root else path.name
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise DocumentError(f"{name}: file: unsupported type {path.suffix!r}")
    data = _read(path, name)
    if not data.strip():
        raise DocumentError(f"{name}: file: is empty")
    return _finish(*loader(data, path, name))


def read_upload(path: Path) -> bytes:
    """The bytes of a file a moderator names, or a DocumentError saying why it cannot be read."""
    return _read(path, str(path))


def _read(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{name}: file: cannot be read ({exc.strerror or exc})") from exc


def document_from_bytes(data: bytes, filename: str) -> tuple[Document, list[Problem]]:
    """Load an upload that is not on disk yet (a Discord attachment, a fetched URL)."""
    loader = _LOADERS.get(Path(filename).suffix.lower())
    if loader is None:
        raise DocumentError(f"{filename}: file: unsupported type; use one of {', '.join(SUFFIXES)}")
    if not data.strip():
        raise DocumentError(f"{filename}: file: is empty")
    return _finish(*loader(data, Path(filename), filename))


def _finish(doc: Document, problems: list[Problem]) -> tuple[Document, list[Problem]]:
    """The document as it is indexed: normalised text and title; title, citation and headings capped;
    the official references its citation and URLs name read once (`references.with_refs`)."""
    notes = list(problems)
    text = normalise_text(doc.text)
    if not text.strip():
        raise DocumentError(f"{doc.path}: body: has no text once control and format characters are dropped")
    title, citation = (_capped(doc, field, getattr(doc, field), notes) for field in ("title", "citation"))
    title = title or "Untitled"
    long_headings = len(LONG_HEADING.findall(text))
    if long_headings:
        text = LONG_HEADING.sub(lambda m: m.group(1).rstrip() + "…", text)
        message = f"{long_headings} heading(s) longer than {MAX_HEADING_CHARS} characters, cut to that length"
        notes.append(Problem(doc.path, "heading", message, "warning"))
    if (text, title, citation) != (doc.text, doc.title, doc.citation):
        doc = replace(doc, text=text, title=title, citation=citation)
    return with_refs(doc), notes


def _capped(doc: Document, field: str, value: str, notes: list[Problem]) -> str:
    """One line of at most MAX_TITLE_CHARS characters; a note says when it was cut."""
    value = " ".join(normalise_text(value).split())
    if len(value) <= MAX_TITLE_CHARS:
        return value
    notes.append(Problem(doc.path, field, f"{len(value):,} characters, cut to {MAX_TITLE_CHARS}", "warning"))
    return value[: MAX_TITLE_CHARS - 1].rstrip() + "…"


def _decode(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """The text, and a warning naming the encoding assumed when it is not UTF-8."""
    text, encoding = decode_text(data, name)
    if encoding == UTF8:
        return text, []
    return text, [Problem(name, "encoding", f"not UTF-8; read as {encoding}", "warning")]


def _load_markdown(data: bytes, path: Path, name: str) -> tuple[Document, list[Problem]]:
    raw, notes = _decode(data, name)
    if raw.lstrip().startswith("---"):
        doc, problems = _with_front_matter(raw, data, path, name)
    else:
        doc, problems = _plain(raw, data, path, name)
    return doc, notes + problems


def _with_front_matter(raw: str, data: bytes, path: Path, name: str) -> tuple[Document, list[Problem]]:
    try:
        post = load_front_matter(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else f": {exc}"
        problem = Problem(name, "front matter", f"malformed YAML{where}")
        raise DocumentError(str(problem), (problem,)) from exc
    if not isinstance(post.metadata, dict) or not post.metadata:
        problem = Problem(name, "front matter", "is empty or not a mapping")
        raise DocumentError(str(problem), (problem,))
    meta, problems = validate_front_matter(post.metadata, name)
    if meta is None:
        errors = tuple(p for p in problems if p.severity == "error")
        raise DocumentError("\n".join(str(p) for p in errors), tuple(problems))
    body = post.content.strip() + "\n"
    if not body.strip():
        problem = Problem(name, "body", "has no text")
        raise DocumentError(str(problem), (problem,))
    if meta.id != slugify(path.stem) and path.stem != meta.id:
        problems.append(Problem(name, "id", f"differs from the file name ({path.stem})", "warning"))
    return meta.document(body, name, sha256(data)), problems


def _plain(raw: str, data: bytes, path: Path, name: str) -> tuple[Document, list[Problem]]:
    match = LEADING_COMMENTS.match(raw)
    provenance = ""
    text = raw
    if match:
        provenance = "\n".join(c.strip() for c in re.findall(r"<!--(.*?)-->", match.group(0), re.DOTALL))
        text = raw[match.end() :]
    inner = re.findall(r"<!--(.*?)-->", text, re.DOTALL)
    if inner:
        provenance = "\n".join([provenance, *(c.strip() for c in inner)]).strip()
        text = re.sub(r"[ \t]*<!--.*?-->[ \t]*\n?", "", text, flags=re.DOTALL)
    text = text.strip() + "\n"
    if not text.strip():
        raise DocumentError(f"{name}: body: has no text after the leading comments")
    heading = HEADING.search(text)
    title = heading.group(1).strip() if heading else _first_line(text)
    return _inferred(path, name, data, title, text, provenance), []


def _load_text(data: bytes, path: Path, name: str) -> tuple[Document, list[Problem]]:
    raw, notes = _decode(data, name)
    text = raw.strip() + "\n"
    if not text.strip():
        raise DocumentError(f"{name}: body: has no text")
    return _inferred(path, name, data, _first_line(text), text, ""), notes


def _load_html(data: bytes, path: Path, name: str) -> tuple[Document, list[Problem]]:
    from bot.corpus.webpage import html_to_text

    raw, notes = _decode(data, name)
    page = html_to_text(raw)
    if not page.text.strip():
        raise DocumentError(f"{name}: body: no readable main text in the page")
    title = page.title or _first_line(page.text)
    return _inferred(path, name, data, title, page.text, "", page.url, page.header), notes


def _load_pdf(data: bytes, path: Path, name: str) -> tuple[Document, list[Problem]]:
    from bot.corpus.pdf import pdf_to_text

    title, text = pdf_to_text(data, name)
    return _inferred(path, name, data, title or _first_line(text), text, ""), []


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:200]
    return "Untitled"


def _inferred(
    path: Path,
    name: str,
    data: bytes,
    title: str,
    text: str,
    provenance: str,
    url: str = "",
    header: str = "",
) -> Document:
    base = Document(
        id=slugify(path.stem),
        title=title,
        text=text,
        path=name,
        sha256=sha256(data),
        provenance=provenance,
    )
    return replace(base, **infer_metadata(name, title, text, provenance, url, header))


_LOADERS: dict[str, Callable[[bytes, Path, str], tuple[Document, list[Problem]]]] = {
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".txt": _load_text,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
}
