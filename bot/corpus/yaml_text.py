"""The one way Basis reads YAML: the glossary, front matter, the Chinese twins, `sources.yaml`,
synced files.

YAML's anchors and aliases let 1 KB expand into gigabytes (a "billion laughs" bomb: each alias
repeats an anchored list that itself repeats another); a glossary like that drove `kb check` to
21.9 GB. The expanded size is counted from the parser's events, which never recurse or expand:
each alias adds the nodes of what it names, and a file whose expansion passes `MAX_NODES`, or
that nests deeper than `MAX_DEPTH`, is refused before anything is built. Ordinary files (and the
few harmless aliases older `basis sync` versions wrote) load as before. Every caller gets
`yaml.YAMLError` with the line, and reports it as its own problem.
"""

from __future__ import annotations

from typing import Any

import frontmatter
import yaml

MAX_DEPTH = 16
MAX_NODES = 200_000  # far above the largest glossary (a few thousand nodes), far below trouble
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: ten times faster


def load_yaml(text: str, *, max_depth: int = MAX_DEPTH, aliases: bool = True) -> Any:
    """Parse `text` as plain YAML data; `yaml.YAMLError` when aliases expand it past MAX_NODES,
    it nests past `max_depth`, or its syntax is wrong. A file with no use for anchors (the
    Chinese twins, written by reviewers) passes `aliases=False` and any anchor is refused."""
    nodes = 0
    sizes: dict[str, int] = {}  # anchor -> nodes of the node it names, once that node has ended
    open_nodes: list[tuple[str | None, int]] = []  # (anchor, node count when the collection began)
    for event in yaml.parse(text, Loader=_LOADER):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if not aliases and (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)):
            raise yaml.YAMLError(f"anchors and aliases are not allowed (line {line})")
        if isinstance(event, yaml.AliasEvent):
            nodes += sizes.get(event.anchor or "", 1)
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            nodes += 1
            open_nodes.append((event.anchor, nodes - 1))
            if len(open_nodes) > max_depth:
                raise yaml.YAMLError(f"nested more than {max_depth} levels deep at line {line}")
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, began = open_nodes.pop()
            if anchor:
                sizes[anchor] = nodes - began
        if nodes > MAX_NODES:
            raise yaml.YAMLError(
                f"aliases expand it past {MAX_NODES:,} values at line {line} (an alias bomb?)"
            )
    return yaml.load(text, Loader=_LOADER)  # a safe loader, C or Python


class PlainDumper(yaml.SafeDumper):
    """Writes every repeated value out in full: files Basis writes never carry anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _Handler(frontmatter.YAMLHandler):
    """python-frontmatter's YAML handler with `load_yaml` in place of its unguarded loader."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return load_yaml(fm)


def load_front_matter(text: str) -> frontmatter.Post:
    """A Markdown file's front matter (through `load_yaml`) and body."""
    return frontmatter.loads(text, handler=_Handler())
