"""Build speed at several site sizes: `python bench/build_speed.py [N ...]`.

Sites are the real 40 articles copied under new slugs (tags and topics kept), so
pages, math and tag pages scale like the real site. Reported side by side with
the floor of rendering the same bodies with bare markdown-it-py, so the ratio
shows what templates, indexing and writing cost on top. The preview's
incremental rebuild after editing one article is measured too.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from markdown_it import MarkdownIt  # noqa: E402

from feedsite.build import BuildState, build  # noqa: E402
from feedsite.config import load_config  # noqa: E402

ALIASES = re.compile(r"(?<=\naliases:\n)- [^\n]+(?:\n- [^\n]+)*")


def make_site(folder: Path, n: int) -> Path:
    content = folder / "content"
    content.mkdir(parents=True)
    sources = sorted((ROOT / "content").glob("*.md"))
    for i in range(n):
        src = sources[i % len(sources)]
        text = src.read_text(encoding="utf-8")
        slug = f"{src.stem[:50].rstrip('-')}-{i}"
        text = text.replace(f"slug: {src.stem}", f"slug: {slug}", 1)
        text = text.replace("\ntitle: ", f"\ntitle: {i} ", 1)
        # Each copy keeps its original's old slugs (a redirect page each), numbered as
        # its slug is: two articles may not claim one alias.
        suffix = f"-{i}"
        text = ALIASES.sub(lambda m, s=suffix: re.sub(r"(?m)$", s, m.group(0)), text, count=1)
        (content / f"{slug}.md").write_text(text, encoding="utf-8")
    return content


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [40, 1000, 4000]
    base = load_config(ROOT / "site.yaml")
    md = MarkdownIt("commonmark")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            content = make_site(Path(tmp), n)
            config = dataclasses.replace(base, content_dir=content, output_dir=Path(tmp) / "public")
            bodies = [p.read_text(encoding="utf-8").split("\n---\n", 1)[1] for p in content.glob("*.md")]
            start = time.perf_counter()
            for body in bodies:
                md.render(body)
            floor = time.perf_counter() - start
            state = BuildState()
            full = build(config, state=state)
            nosearch = build(config, search=False).seconds
            edited = next(content.glob("*.md"))
            edited.write_text(edited.read_text(encoding="utf-8") + "\n新加的一段。\n", encoding="utf-8")
            # As the preview does it: the search index is rebuilt too.
            incremental = build(config, state=state, in_place=True)
            shutil.rmtree(config.output_dir)
        print(f"{n:6d} articles, {full.pages:6d} pages: full build {full.seconds:6.2f} s "
              f"(without search index {nosearch:6.2f} s), one-edit rebuild "
              f"{incremental.seconds:5.2f} s rewriting {incremental.written} pages; "
              f"bare markdown-it {floor:5.2f} s, ratio {nosearch / floor:4.1f}x")


if __name__ == "__main__":
    main()
