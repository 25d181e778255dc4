"""Split and write YAML front matter, in a fixed key order.

`split` keeps line numbers true to the file: `body_line` is the file line the
body starts on, so errors found in the body can point at the right line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

FENCE = "---"
# The order keys are written in: what a person edits first, provenance last.
KEY_ORDER = ("title", "slug", "aliases", "status", "topic", "tags", "date", "summary", "sources",
             "truncated", "lost_formulas", "cut_formulas", "title_source", "id", "fingerprint")


@dataclass(frozen=True)
class Split:
    yaml_text: str
    body: str
    yaml_line: int  # file line of the first YAML line
    body_line: int  # file line of the first body line


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def split(text: str) -> Split:
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r") != FENCE:
        raise FrontMatterError(1, "missing front matter: the file must start with a '---' line")
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r") == FENCE:
            body = "\n".join(lines[i + 1:])
            return Split("\n".join(lines[1:i]), body, 2, i + 2)
    raise FrontMatterError(1, "front matter is not closed by a '---' line")


def parse(text: str) -> tuple[dict, Split]:
    """(fields, split) or FrontMatterError with the file line of the problem."""
    parts = split(text)
    fast = _fast_load(parts.yaml_text)
    if fast is not None:
        return fast, parts
    try:
        fields = yaml.load(parts.yaml_text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct began (the line a person
        # edited); the problem mark is often the line after.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = parts.yaml_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(line, f"invalid YAML in front matter: {problem}") from None
    except Exception as exc:  # noqa: BLE001 - PyYAML's constructors raise plain ones for
        # values they cannot build (`!!int x`, `date: 2024-02-30`), with no line.
        line = parts.yaml_line + _unbuildable_line(parts.yaml_text)
        raise FrontMatterError(line, f"invalid value in front matter: {type(exc).__name__}: "
                                     f"{exc}") from None
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise FrontMatterError(parts.yaml_line, "front matter must be a mapping of keys to values")
    return fields, parts


def _unbuildable_line(yaml_text: str) -> int:
    """Offset of the top-level entry whose value YAML could parse but not build."""
    node = yaml.compose(yaml_text, Loader=_SafeLoader)
    for key, value in node.value if isinstance(node, yaml.MappingNode) else []:
        try:
            yaml.constructor.SafeConstructor().construct_object(value, deep=True)
        except Exception:  # noqa: BLE001 - the one that failed before
            return key.start_mark.line
    return 0


def key_lines(parts: Split) -> dict[str, int]:
    """File line of each top-level key, for pointing errors at a field."""
    lines = {}
    for offset, line in enumerate(parts.yaml_text.split("\n")):
        if line and not line[0].isspace() and ":" in line and not line.startswith("#"):
            lines.setdefault(line.split(":", 1)[0].strip().strip("'\""), parts.yaml_line + offset)
    return lines


# libyaml's C emitter and parser when PyYAML has them: ten times faster, same output.
_SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(_SafeDumper):
    """SafeDumper that double-quotes strings holding YAML line breaks.

    With allow_unicode, PyYAML writes NEL (U+0085) and friends raw inside a
    plain or single-quoted scalar, where a reader folds them into spaces; in
    double quotes they are escaped and read back exactly.
    """


def _represent_str(dumper, value: str):
    risky = not value.replace("\t", "").isprintable()
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if risky else None)


_Dumper.add_representer(str, _represent_str)


# A string PyYAML writes plain: it opens with a word character and holds only
# word characters, spaces and punctuation that mean nothing to YAML there (a
# colon only before a non-space, a `#` never after a space), and YAML's own resolver reads it back as a
# string, not a number, date, boolean or null. Anything else goes through PyYAML.
_PLAIN = re.compile(r"\w(?:[\w.()/+\-',?!;\"%&*@=<>~^$|\[\]{}#`\u00a1-\ud7ff\ue000-\ufefe\uff00-\ufffd]"
                    r"|:(?=[^\s:])| (?![ #]|$))*")
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_KEY = re.compile(r"[a-z_]+")
# The implicit resolvers by a scalar's first character (None: those that try every scalar).
_CLAIMS = _RESOLVER.yaml_implicit_resolvers


@lru_cache(maxsize=8192)
def _tag(text: str) -> str:
    """The tag YAML's resolver gives `text` as a plain scalar. Most values open with a
    character no implicit resolver claims (a Chinese title, a tag), which one dict lookup
    settles; the rest (keys, paths, `true`) repeat, so they are remembered. Reading and
    writing a file asked the resolver 25 times, half the time of its front matter."""
    if text and text[0] not in _CLAIMS and None not in _CLAIMS:
        return _STR_TAG
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))


def _fast_scalar(value) -> str | None:
    """`value` as PyYAML would write it, for the simple cases; None otherwise."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # libyaml quotes characters beyond the BMP, so those go through it too.
    if (isinstance(value, str) and value.isprintable() and _PLAIN.fullmatch(value)
            and max(value) <= "\uffff"
            and _tag(value) == _STR_TAG):
        return value
    return None


_INT = re.compile(r"0|[1-9][0-9]*")
_ENTRY = re.compile(r"([a-z_]+):(?: (.*))?")
_NOT_SIMPLE = object()


def _fast_value(text: str):
    """A plain scalar as PyYAML reads it, for the forms `_fast_scalar` writes; _NOT_SIMPLE
    otherwise."""
    if not (text and text.isprintable() and _PLAIN.fullmatch(text) and max(text) <= "\uffff"):
        return _NOT_SIMPLE
    tag = _tag(text)
    if tag == _STR_TAG:
        return text
    if tag == "tag:yaml.org,2002:bool" and text in ("true", "false"):
        return text == "true"
    if tag == "tag:yaml.org,2002:int" and _INT.fullmatch(text):
        return int(text)
    return _NOT_SIMPLE


def _fast_load(yaml_text: str) -> dict | None:
    """Front matter as `_fast_yaml` writes it (`key: scalar`, `key: []`, `key:` then `- item`
    lines), read without PyYAML's Python-level constructor, which costs more than the rest
    of reading a file; None for anything else, which PyYAML then reads (and reports)."""
    fields: dict = {}
    listing = None  # the key whose `- item` lines may follow
    for line in yaml_text.split("\n") if yaml_text else ():
        if line.startswith("- "):
            item = _fast_value(line[2:])
            if listing is None or not isinstance(item, str):
                return None
            if fields[listing] is None:
                fields[listing] = []
            fields[listing].append(item)
            continue
        m = _ENTRY.fullmatch(line)
        if m is None or m[1] in fields or _tag(m[1]) != _STR_TAG:
            return None
        key, raw = m[1], m[2]
        listing = key if raw is None else None
        if raw is None or raw == "[]":
            fields[key] = None if raw is None else []
            continue
        value = _fast_value(raw)
        if value is _NOT_SIMPLE:
            return None
        fields[key] = value
    return fields


def _fast_yaml(fields: dict) -> str | None:
    """Front matter without PyYAML's Python-level representer, which costs more
    than the rest of extracting an article; None when a value needs PyYAML."""
    lines = []
    for key, value in fields.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            return None
        if isinstance(value, list):
            items = [_fast_scalar(v) for v in value]
            if None in items:
                return None
            lines.append(f"{key}: []" if not items else f"{key}:")
            lines += [f"- {item}" for item in items]
        else:
            scalar = _fast_scalar(value)
            if scalar is None:
                return None
            lines.append(f"{key}: {scalar}")
    return "\n".join(lines) + "\n"


def dump(fields: dict, body: str) -> str:
    """Front matter in KEY_ORDER (unknown keys after, as found), then the body."""
    ordered = {k: fields[k] for k in KEY_ORDER if k in fields}
    ordered.update((k, v) for k, v in fields.items() if k not in ordered)
    yaml_text = _fast_yaml(ordered)
    if yaml_text is None:
        yaml_text = yaml.dump(ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                              default_flow_style=False, width=10_000)
    return f"{FENCE}\n{yaml_text}{FENCE}\n{body.rstrip(chr(10))}\n"
