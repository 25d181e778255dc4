"""`content/*.md` into Articles, or SourceErrors naming file and line.

Front matter is typed: unknown keys and wrong types are errors at their line,
never silently ignored.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import faults, frontmatter
from ..config import SiteConfig
from ..errors import SourceError, warning
from ..slugs import SLUG_RE

# key -> (type, required)
_SCHEMA = {
    "title": (str, True), "slug": (str, False), "topic": (str, True), "tags": (list, False),
    "date": (str, False), "summary": (str, False), "sources": (list, False),
    "truncated": (bool, False), "lost_formulas": (int, False), "cut_formulas": (int, False),
    "id": (str, False), "fingerprint": (str, False), "aliases": (list, False), "status": (str, False),
    "title_source": (str, False),
}
STATUSES = ("published", "retired")  # a retired article is kept in content/ but not built
_TYPE_NAMES = {str: "a string", list: "a list", bool: "true or false", int: "an integer"}


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    topic: str
    tags: tuple[str, ...]
    date: str  # ISO date, or "" when unknown
    summary: str
    sources: tuple[str, ...]
    truncated: bool
    body: str
    path: str  # as shown to the user
    body_line: int  # file line of the body's first line
    key_lines: tuple[tuple[str, int], ...] = ()  # front matter key -> file line
    id: str = ""  # the extractor's stable id: the Atom entry id survives a new slug
    aliases: tuple[str, ...] = ()  # old slugs that redirect here
    status: str = "published"
    # A digest of what the article was made from (its file's bytes, where it is shown, the
    # topics it was checked against): pages that show it are keyed by this.
    digest: str = field(default="", compare=False)
    # What its rendered body is cached by (body_key), worked out once when it is parsed:
    # hashing 10,000 bodies again on every build cost a quarter of a second.
    body_digest: str = field(default="", compare=False)

    @property
    def entry_id(self) -> str:
        """The Atom entry id: from the stable id, so a new slug is not a new entry. A file
        without one (written by hand) is known by its URL, as before."""
        return f"urn:feedsite:{self.id}" if self.id else ""

    def line(self, key: str) -> int:
        return dict(self.key_lines).get(key, 2)

    def __getattr__(self, name: str):
        """Reached only for an attribute the instance lacks: the body of an article the
        build cache loaded without it (state.py keeps bodies in a table of their own,
        since an edit's build reads only a few), fetched the first time it is asked for."""
        fetch = self.__dict__.get("_fetch_body") if name == "body" else None
        if fetch is None:
            raise AttributeError(name)
        self.__dict__["body"] = body = fetch()
        del self.__dict__["_fetch_body"]
        return body

    def __getstate__(self) -> dict:
        """Pickled with its body, fetched first if it was not yet."""
        self.body  # noqa: B018 - fetches it
        return {k: v for k, v in self.__dict__.items() if k != "_fetch_body"}

    def bodiless(self) -> tuple:
        """Every field but the body, in order: the store's copy of a parsed article (a
        tuple, not a dict, unpickles in two thirds of the time; the names are known)."""
        return tuple(getattr(self, name) for name in _BODILESS)

    @classmethod
    def without_body(cls, values: tuple, fetch: Callable[[], str]) -> Article:
        """An article from its `bodiless()` values, whose body `fetch` gives when asked for."""
        article = cls.__new__(cls)
        article.__dict__.update(zip(_BODILESS, values, strict=True), _fetch_body=fetch)
        return article


_BODILESS = tuple(name for name in Article.__dataclass_fields__ if name != "body")  # in field order


def parse_article(shown: str, text: str, config: SiteConfig) -> tuple[Article | None, list[SourceError]]:
    """One file's text into an Article; every problem found is returned at once."""
    try:
        fields, parts = frontmatter.parse(text)
    except frontmatter.FrontMatterError as exc:
        return None, [SourceError(shown, exc.line, exc.message)]
    lines = frontmatter.key_lines(parts)
    problems = []

    def at(key: str) -> int:
        return lines.get(key, parts.yaml_line)

    for key, value in fields.items():
        if key not in _SCHEMA:
            problems.append(SourceError(shown, at(str(key)), f"unknown front matter key '{key}' "
                                        f"(known: {', '.join(_SCHEMA)})"))
            continue
        expected = _SCHEMA[key][0]
        if key == "date" and hasattr(value, "isoformat"):
            fields[key] = value = value.isoformat()  # YAML reads 2024-05-01 as a date
        if value is None or not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(SourceError(shown, at(key), f"'{key}' must be {_TYPE_NAMES[expected]}"))
    for key, (_, required) in _SCHEMA.items():
        if required and key not in fields:
            problems.append(SourceError(shown, parts.yaml_line, f"missing required key '{key}'"))
    if problems:
        return None, problems

    title = fields["title"].strip()
    if not title:
        problems.append(SourceError(shown, at("title"), "title is empty"))
    if config.topic(fields["topic"]) is None:
        known = ", ".join(t.slug for t in config.topics)
        problems.append(SourceError(shown, at("topic"),
                                    f"unknown topic '{fields['topic']}' (known: {known})"))
    slug = fields.get("slug") or Path(shown).stem
    if not SLUG_RE.fullmatch(slug):
        problems.append(SourceError(shown, at("slug"),
                                    f"slug '{slug}' must be lowercase ASCII letters, digits and '-'"))
    tags = fields.get("tags") or []
    if any(not isinstance(t, str) or not t.strip() for t in tags):
        problems.append(SourceError(shown, at("tags"), "every tag must be a non-empty string"))
    aliases = fields.get("aliases") or []
    bad = [a for a in aliases if not isinstance(a, str) or not SLUG_RE.fullmatch(a) or a == slug]
    if bad:
        problems.append(SourceError(shown, at("aliases"), f"aliases must be old slugs of lowercase ASCII "
                                    f"letters, digits and '-', other than the slug: {bad[0]!r}"))
    status = fields.get("status", "published")
    if status not in STATUSES:
        problems.append(SourceError(shown, at("status"), f"status must be one of {', '.join(STATUSES)}"))
    if problems:
        return None, problems
    return Article(
        slug=slug, title=title, topic=fields["topic"], tags=tuple(t.strip() for t in tags),
        date=fields.get("date", ""), summary=fields.get("summary", ""),
        sources=tuple(map(str, fields.get("sources") or [])),
        truncated=fields.get("truncated", False), body=_body_of(parts),
        path=shown, key_lines=tuple(sorted(lines.items())),
        # The body's blank opening lines are stripped; its first line is then further down.
        body_line=parts.body_line + len(parts.body) - len(parts.body.lstrip("\n")),
        id=str(fields.get("id") or ""), aliases=tuple(aliases), status=status,
    ), []


def check_collection(articles: list[Article], config: SiteConfig) -> list[SourceError]:
    """Problems between files: duplicate slugs (errors), duplicate titles and
    tags outside the vocabulary (warnings)."""
    problems = []
    first_slug: dict[str, Article] = {}
    first_title: dict[str, Article] = {}
    vocabulary = {t.name for t in config.tags}
    for article in articles:
        if article.slug in first_slug:
            other = first_slug[article.slug]
            problems.append(SourceError(article.path, article.line("slug"),
                                        f"duplicate slug '{article.slug}', also used by {other.path}"))
        first_slug.setdefault(article.slug, article)
    # An alias is a URL too: it may not be any article's slug or another alias.
    for article in articles:
        for alias in article.aliases:
            if alias in first_slug:
                problems.append(SourceError(article.path, article.line("aliases"),
                                            f"alias '{alias}' is already the slug or an alias of "
                                            f"{first_slug[alias].path}"))
            else:
                first_slug[alias] = article
    for article in articles:
        if article.title in first_title:
            problems.append(warning(article.path, article.line("title"),
                                    f"duplicate title '{article.title}', "
                                    f"also used by {first_title[article.title].path}"))
        first_title.setdefault(article.title, article)
        for tag in article.tags:
            if tag not in vocabulary:
                problems.append(warning(article.path, article.line("tags"),
                                        f"tag '{tag}' is not in site.yaml's tag vocabulary"))
    return problems


# A file's stat vouches for its bytes only once the file is older than one tick of the
# file system's clock (a few ms on ext4, 2 s on FAT): a second save of the same size in
# the tick of the first keeps mtime, size and inode, so a build that read the first would
# skip the second for good. A file changed more recently than this is read again (and
# parsed again only if its bytes differ) until it is older: git's "racily clean" check.
RACY_NS = 2_000_000_000


def load_articles(config: SiteConfig, shown_dir: str, cache: dict | None = None,
                  dirty: set | None = None) -> tuple[list[Article], list[SourceError]]:
    """Every article of the content folder. `cache` (kept by the preview between rebuilds,
    and by the on-disk cache between builds) skips files whose size and modification time
    have not changed, and the parsing of files whose bytes have not; each entry it
    changes is added to `dirty`."""
    articles, problems = [], []
    folder = config.content_dir
    if not folder.is_dir():
        return [], [SourceError(shown_dir, 0, "content folder does not exist; run `feedsite extract`")]
    cache = {} if cache is None else cache
    dirty = set() if dirty is None else dirty
    # What a file's article depends on besides its bytes: where it is shown, and the topics.
    topics = hashlib.sha256(pickle.dumps((shown_dir, config.topics))).hexdigest()[:16]
    seen = set()
    now = time.time_ns()
    # Plain strings and os.scandir, not Path objects: at 10,000 files pathlib's own
    # overhead was most of a no-change build's loading. Keys are the files' paths.
    with os.scandir(folder) as entries:
        names = sorted(e.name for e in entries if e.name.endswith(".md"))
    prefix = os.path.join(folder, "")  # joined once: os.path.join per file was a quarter of this
    for name in names:
        path = prefix + name
        try:
            stat = os.stat(path)
        except OSError as exc:  # a dangling link, or gone since the listing
            problems.append(SourceError(f"{shown_dir}/{name}", 0, f"cannot read: {faults.cause(exc)}"))
            continue
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino, topics)
        seen.add(path)
        if path not in cache or cache[path][0] != key or now - stat.st_mtime_ns < RACY_NS:
            cache[path] = (key, *_load_one(Path(path), f"{shown_dir}/{name}", config, topics,
                                                cache.get(path)))
            dirty.add(path)
        _, article, found, _ = cache[path]
        problems += found
        if article and article.status != "retired" and article.id not in config.retired:
            articles.append(article)
    for gone in set(cache) - seen:
        del cache[gone]
        dirty.add(gone)
    return articles, problems + check_collection(articles, config)


def _load_one(path: Path, shown: str, config: SiteConfig, topics: str, before: tuple | None
              ) -> tuple[Article | None, list[SourceError], str]:
    """(article, problems, digest); a file whose bytes are those of `before` is not parsed again."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [SourceError(shown, 0, f"cannot read: {faults.cause(exc)}")], ""
    digest = hashlib.sha256(b"%s\0%s\0%s" % (shown.encode("utf-8", "surrogateescape"),
                                                topics.encode(), data)).hexdigest()
    if before is not None and before[3] == digest:
        return before[1], before[2], digest
    try:
        text = _text_of(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [SourceError(shown, line, "file is not valid UTF-8")], digest
    article, problems = parse_article(shown, text, config)
    if article is None:
        return None, problems, digest
    return replace(article, digest=digest, body_digest=body_key(article)), problems, digest


def body_in_file(path: str) -> str:
    """An article's body read from its file (`path` as the build opens it), as parsing
    it gives; "" if the file cannot be read or parsed now. For an article the cache
    holds without its body when the cache's copy cannot be read: its stat said the file
    is as parsed, and a file changed since is parsed again by the next build."""
    try:
        return _body_of(frontmatter.split(_text_of(Path(path).read_bytes())))
    except (OSError, UnicodeDecodeError, frontmatter.FrontMatterError):
        return ""


def _text_of(data: bytes) -> str:
    """A file's text, newlines as text mode reads them (CRLF and CR become LF), for
    true line numbers; raises UnicodeDecodeError."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _body_of(parts: frontmatter.Split) -> str:
    return parts.body.strip("\n")


def body_key(article: Article) -> str:
    """The key of an article's rendered body: its title and text, wherever it lives."""
    return hashlib.sha256(f"{article.title}\0{article.body}".encode("utf-8", "surrogatepass")).hexdigest()
