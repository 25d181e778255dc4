"""The Jinja2 environment and turning one planned page into text.

Autoescape is on and undefined names are errors: a template typo fails the
build with the template's file and line instead of rendering an empty string.
"""
from __future__ import annotations

import traceback
from pathlib import Path

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.bccache import Bucket

from ..errors import SourceError, shown_path

# The default theme ships inside the package (in a checkout, `theme` links to the
# top-level templates/), so an installed feedsite has it; a site's templates_dir
# overrides any file of it.
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[1] / "theme"


def template_dirs(templates_dir: Path) -> list[Path]:
    dirs = [templates_dir]
    if DEFAULT_TEMPLATES.is_dir() and DEFAULT_TEMPLATES.resolve() != templates_dir.resolve():
        dirs.append(DEFAULT_TEMPLATES)
    return dirs


class KeptBytecode(BytecodeCache):
    """Compiled templates kept in a dict (a BuildState's, so also in the build cache).
    Jinja checks each against its template's source and its Python version before use.
    Compiling the theme was a tenth of an edit's build, once per build."""

    def __init__(self, kept: dict[str, bytes]):
        self.kept = kept

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


def make_env(templates_dir: Path, compiled: dict[str, bytes] | None = None) -> Environment:
    """`compiled`: where compiled templates are kept between builds (KeptBytecode)."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(templates_dir)]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        bytecode_cache=KeptBytecode(compiled) if compiled is not None else None,
    )
    return env


def render_template(env: Environment, name: str, context: dict, shown_root: Path
                    ) -> tuple[str | None, SourceError | None]:
    """Rendered text, or the template problem as `templates/x.html:12: error: …`."""
    try:
        return env.get_template(name).render(context), None
    except TemplateSyntaxError as exc:
        return None, SourceError(shown_path(exc.filename or name, shown_root), exc.lineno or 0,
                                 f"template syntax error: {exc.message}")
    except TemplateError as exc:
        path, line = _template_frame(exc, name)
        return None, SourceError(shown_path(path, shown_root), line,
                                 f"template error: {exc.message or exc}")
    except Exception as exc:  # noqa: BLE001 - a filter or test blew up inside a template
        path, line = _template_frame(exc, name)
        return None, SourceError(shown_path(path, shown_root), line,
                                 f"template error: {type(exc).__name__}: {exc}")


def _template_frame(exc: BaseException, name: str) -> tuple[str, int]:
    """Jinja rewrites tracebacks so template frames carry the template's path and line."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return frame.filename, frame.lineno or 0
    return name, 0

