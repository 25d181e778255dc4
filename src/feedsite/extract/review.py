"""The review queue: which articles a person should look at first, and why.

People refine the extraction by hand; this tells them where their time goes
furthest. Each finding points at the line to edit. Worst first: a title built
from keywords, a formula cut off mid-way, formulas lost upstream, a topic the
text barely supports, then an excerpt the feed truncated. A field a person
already edited (see the fingerprint) is theirs and is not flagged again.
`feedsite review` prints the queue; `feedsite serve` shows it at /_review/.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from .. import frontmatter
from ..config import SiteConfig
from ..errors import SourceError
from ..spans import LOST, UNCLOSED, prose_only, split_spans
from .classify import Classifier
from .fingerprint import edited_fields

PAGE_PATH = "/_review/"
# A topic whose keywords score less than this in the text, or barely more than the
# next topic's, rests on little.
WEAK_TOPIC_SCORE = 8
CLOSE_RUNNER_UP = 0.8


@dataclass(frozen=True)
class Reason:
    line: int
    weight: int  # how much a reader suffers from it
    text: str


@dataclass(frozen=True)
class Finding:
    path: str
    title: str
    reasons: tuple[Reason, ...]

    @property
    def weight(self) -> int:
        return sum(r.weight for r in self.reasons)

    @property
    def line(self) -> int:
        return max(self.reasons, key=lambda r: r.weight).line

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: review: {'; '.join(r.text for r in self.reasons)}"


def review(config: SiteConfig, content_dir: Path, shown: str) -> tuple[list[Finding], list[SourceError]]:
    """Findings for every article of `content_dir`, worst first, and files that could not be read."""
    classifier = Classifier(config)
    findings, problems = [], []
    for path in sorted(content_dir.glob("*.md")) if content_dir.is_dir() else []:
        name = f"{shown}/{path.name}"
        try:
            fields, parts = frontmatter.parse(path.read_text(encoding="utf-8"))
        except (frontmatter.FrontMatterError, UnicodeDecodeError) as exc:
            problems.append(SourceError(name, getattr(exc, "line", 1),
                                        getattr(exc, "message", "not valid UTF-8")))
            continue
        if fields.get("status") == "retired" or str(fields.get("id")) in config.retired:
            continue
        reasons = _reasons(fields, parts, frontmatter.key_lines(parts), classifier)
        if reasons:
            findings.append(Finding(name, str(fields.get("title", "")), tuple(reasons)))
    findings.sort(key=lambda f: (-f.weight, f.path))
    return findings, problems


def _reasons(fields: dict, parts: frontmatter.Split, lines: dict, classifier: Classifier) -> list[Reason]:
    values = {"title": fields.get("title"), "topic": fields.get("topic"), "tags": fields.get("tags") or [],
              "body": parts.body}
    edited = edited_fields(fields.get("fingerprint"), values)
    at = lambda key: lines.get(key, parts.yaml_line)  # noqa: E731
    reasons = []
    source = fields.get("title_source")
    if "title" not in edited and source == "keywords":
        reasons.append(Reason(at("title"), 5, f"title built from keywords ('{fields.get('title')}'): "
                                               "say what the article is about"))
    elif "title" not in edited and source == "heading":
        reasons.append(Reason(at("title"), 1, "title taken from a section heading"))
    cut, lost = _formula_lines(parts)
    if cut:
        reasons.append(Reason(cut, 4, "a formula is cut off where the excerpt ends"))
    if lost:
        plural = "s" if len(lost) > 1 else ""
        reasons.append(Reason(lost[0], 1 + min(len(lost), 3),
                              f"{len(lost)} formula{plural} lost upstream ([Math] or [公式])"))
    if "topic" not in edited:
        weak = _weak_topic(classifier, str(fields.get("topic")), parts.body)
        if weak:
            reasons.append(Reason(at("topic"), 3, weak))
    if fields.get("truncated"):
        reasons.append(Reason(at("truncated"), 1, "excerpt truncated by the feed"))
    return reasons


def _formula_lines(parts: frontmatter.Split) -> tuple[int, list[int]]:
    """File line of a cut-off formula (0 if none) and of every lost one."""
    cut, lost, offset = 0, [], 0
    for span in split_spans(parts.body):
        line = parts.body_line + parts.body.count("\n", 0, offset)
        if span.kind == UNCLOSED:
            cut = line
        elif span.kind == LOST:
            lost.append(line)
        offset += len(span.text)
    return cut, lost


def _weak_topic(classifier: Classifier, topic: str, body: str) -> str | None:
    scores = classifier.topic_scores(classifier.counter.counts(prose_only(body)), {})
    mine = scores.get(topic, 0)
    others = sorted((s for t, s in scores.items() if t != topic), reverse=True)
    if mine < WEAK_TOPIC_SCORE:
        return f"topic '{topic}' rests on few keywords (score {mine})"
    if others and others[0] >= CLOSE_RUNNER_UP * mine:
        return f"topic '{topic}' is barely ahead of another (score {mine} against {others[0]})"
    return None


def page(findings: list[Finding], problems: list[SourceError]) -> str:
    """The queue as the preview's page; never part of the built site."""
    rows = "\n".join(
        f"<li><code>{html.escape(f.path)}:{f.line}</code> <strong>{html.escape(f.title)}</strong>"
        f"<ul>{''.join(f'<li>{html.escape(r.text)}</li>' for r in f.reasons)}</ul></li>" for f in findings)
    errors = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>Review queue · feedsite preview</title>
<style>body{{font:16px/1.6 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
ol>li{{margin:.8rem 0}} code{{color:#555}}</style></head>
<body><h1>Review queue</h1>
<p>{len(findings)} articles to look at, worst first. Edit the file at the line shown; this page
follows every save. Preview only: it is never part of the built site.</p>
{f'<ul class="problems">{errors}</ul>' if errors else ''}
<ol class="review">
{rows}
</ol></body></html>
"""
