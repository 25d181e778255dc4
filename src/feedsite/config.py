"""`site.yaml` into a frozen SiteConfig.

Unknown keys and wrong types are errors that name their YAML line, so a typo
such as `topcis:` is caught instead of silently ignored.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import BuildFailed, Report, SourceError
from .slugs import SLUG_RE, slugify_title


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str
    keywords: tuple[tuple[str, int], ...]  # (keyword, weight)
    fallback_tags: tuple[str, ...]


@dataclass(frozen=True)
class TagRule:
    name: str
    slug: str
    aliases: tuple[str, ...]
    # The topics whose sense of the word this tag is (滑动窗口 in LeetCode, not in
    # detection); empty: every topic.
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str
    description: str
    author: str
    language: str
    base_url: str
    updated: str
    content_dir: Path
    feeds_dir: Path
    output_dir: Path
    templates_dir: Path
    latest_count: int
    default_topic: str
    topics: tuple[Topic, ...]
    tags: tuple[TagRule, ...]
    retired: frozenset[str] = frozenset()  # article ids a person retired for good

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, always ending in `/`."""
        from urllib.parse import urlsplit

        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def topic(self, slug: str) -> Topic | None:
        return next((t for t in self.topics if t.slug == slug), None)


_TOP = {
    "title": str, "description": str, "author": str, "language": str, "base_url": str,
    "updated": str, "content_dir": str, "feeds_dir": str, "output_dir": str,
    "templates_dir": str, "latest_count": int, "default_topic": str,
    "topics": list, "tags": list, "retired": list,
}
_REQUIRED = ("title", "base_url", "default_topic", "topics", "tags")
_TOPIC = {"slug": str, "name": str, "description": str, "keywords": dict, "fallback_tags": list}
_TAG = {"name": str, "slug": str, "aliases": list, "topics": list}
_TYPE_NAMES = {str: "a string", int: "an integer", list: "a list", dict: "a mapping"}


_INVALID = object()


class _Reader:
    """Turns YAML nodes into plain values, reporting problems with their line."""

    def __init__(self, path: str, report: Report):
        self.path, self.report = path, report

    def line(self, node) -> int:
        return node.start_mark.line + 1

    def value(self, node):
        """The node as a plain value, or _INVALID (reported) when YAML cannot build it."""
        try:
            return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        except Exception as exc:  # noqa: BLE001 - PyYAML's constructors raise plain ones
            # for values they cannot build: `!!int x`, `2024-02-30`, an empty `!!int`.
            problem = f"{type(exc).__name__}: {exc}"
        self.report.error(self.path, self.line(node), f"invalid value: {problem}")
        return _INVALID

    def mapping(self, node, schema: dict, what: str) -> dict:
        if not isinstance(node, yaml.MappingNode):
            self.report.error(self.path, self.line(node), f"{what} must be a mapping")
            return {}
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in schema:
                allowed = ", ".join(schema)
                self.report.error(self.path, self.line(key_node),
                                  f"unknown key '{key}' in {what} (allowed: {allowed})")
                continue
            value = self.value(value_node)
            if value is _INVALID:
                continue
            expected = schema[key]
            if expected is str and isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, expected) or isinstance(value, bool) and expected is int:
                self.report.error(self.path, self.line(value_node),
                                  f"'{key}' in {what} must be {_TYPE_NAMES[expected]}")
                continue
            out[key] = (value, value_node)
        return out


def load_config(path: Path) -> SiteConfig:
    """Read and validate site.yaml; raise BuildFailed listing every problem."""
    report = Report()
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        root_node = yaml.compose(text)
    except OSError as exc:
        raise BuildFailed([_err(shown, 0, f"cannot read config: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise BuildFailed([_err(shown, 1, "config is not valid UTF-8")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise BuildFailed([_err(shown, line, f"invalid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if root_node is None:
        raise BuildFailed([_err(shown, 1, "config is empty")])
    reader = _Reader(shown, report)
    top = reader.mapping(root_node, _TOP, "site.yaml")
    for key in _REQUIRED:
        if key not in top and not any(p.message.startswith(f"'{key}'") for p in report.problems):
            report.error(shown, reader.line(root_node), f"missing required key '{key}'")
    topic_nodes = _nodes(top.get("topics"))
    topics = [(_topic(reader, n), reader.line(n)) for n in topic_nodes]
    tag_lines = [(_tag(reader, n), reader.line(n)) for n in _nodes(top.get("tags"))]
    topics = [(t, line) for t, line in topics if t]
    tags = [(t, line) for t, line in tag_lines if t]
    _check_references(reader, top, topics, tags)
    for tag, line in tags:
        for unknown in [t for t in tag.topics if t not in {x.slug for x, _ in topics}]:
            report.error(shown, line, f"tag '{tag.name}' names unknown topic '{unknown}'")
    tags = tuple(t for t, _ in tags)
    topics = tuple(t for t, _ in topics)
    report.raise_if_errors()
    get = lambda key, default: top[key][0] if key in top else default  # noqa: E731
    base = path.parent.resolve()
    return SiteConfig(
        root=base,
        title=get("title", ""), description=get("description", ""),
        author=get("author", ""), language=get("language", "zh-CN"),
        base_url=get("base_url", "/"), updated=get("updated", "2026-01-01"),
        content_dir=base / get("content_dir", "content"),
        feeds_dir=base / get("feeds_dir", "feeds"),
        output_dir=base / get("output_dir", "public"),
        templates_dir=base / get("templates_dir", "templates"),
        latest_count=get("latest_count", 10),
        default_topic=get("default_topic", ""),
        topics=topics, tags=tags,
        retired=frozenset(map(str, get("retired", []))),
    )


def _err(path, line, message):
    return SourceError(path, line, message)


def _nodes(entry):
    return entry[1].value if entry else []


def _topic(reader: _Reader, node) -> Topic | None:
    fields = reader.mapping(node, _TOPIC, "a topic")
    if "slug" not in fields or "name" not in fields:
        reader.report.error(reader.path, reader.line(node), "a topic needs 'slug' and 'name'")
        return None
    keywords = fields.get("keywords", ({}, None))[0]
    bad = [k for k, w in keywords.items() if not isinstance(w, int) or isinstance(w, bool)]
    if bad:
        reader.report.error(reader.path, reader.line(fields["keywords"][1]),
                            f"keyword weights must be integers: {', '.join(map(str, bad))}")
    _check_slug(reader, fields["slug"], "topic")
    return Topic(
        slug=fields["slug"][0], name=fields["name"][0],
        description=fields.get("description", ("", None))[0],
        keywords=tuple((str(k), w) for k, w in keywords.items() if k not in bad),
        fallback_tags=tuple(map(str, fields.get("fallback_tags", ([], None))[0])),
    )


def _tag(reader: _Reader, node) -> TagRule | None:
    fields = reader.mapping(node, _TAG, "a tag")
    if "name" not in fields:
        reader.report.error(reader.path, reader.line(node), "a tag needs a 'name'")
        return None
    if "slug" in fields:
        _check_slug(reader, fields["slug"], "tag")
    name = fields["name"][0]
    return TagRule(name=name, slug=fields.get("slug", (slugify_title(name), None))[0],
                   aliases=tuple(map(str, fields.get("aliases", ([], None))[0])),
                   topics=tuple(map(str, fields.get("topics", ([], None))[0])))


def _check_slug(reader: _Reader, entry: tuple, what: str) -> None:
    """A slug names a folder and a URL: lowercase ASCII letters, digits and '-'."""
    slug, node = entry
    if not SLUG_RE.fullmatch(slug):
        reader.report.error(reader.path, reader.line(node),
                            f"{what} slug '{slug}' must be lowercase ASCII letters, digits and '-'")


def _check_references(reader: _Reader, top: dict, topics, tags) -> None:
    """Problems between entries: each reported at the line of the entry at fault."""
    slugs = [t.slug for t, _ in topics]
    if "default_topic" in top and top["default_topic"][0] not in slugs:
        reader.report.error(reader.path, reader.line(top["default_topic"][1]),
                            f"default_topic '{top['default_topic'][0]}' is not a topic")
    seen = set()
    names = {t.name for t, _ in tags}
    for topic, line in topics:
        if topic.slug in seen:
            reader.report.error(reader.path, line, f"topic slug '{topic.slug}' is defined twice")
        seen.add(topic.slug)
        for missing in [n for n in topic.fallback_tags if n not in names]:
            reader.report.error(reader.path, line,
                                f"topic '{topic.slug}' falls back to unknown tag '{missing}'")
    first: dict[tuple[str, str], int] = {}
    for tag, line in tags:
        for key in (("name", tag.name), ("slug", tag.slug)):
            if key in first:
                reader.report.error(reader.path, line, f"tag {key[0]} '{key[1]}' is already used "
                                                       f"by the tag at line {first[key]}")
            first.setdefault(key, line)
