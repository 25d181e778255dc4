"""The build's search stage: reuse, patch or rebuild the search index.

The index is made from each article's file (its digest) at its place in the site's
order, and from code and settings. When none of that changed, the files the output
holds are what a rebuild would make; when a few articles changed in place, their share
is patched into those files (searchpatch.py); otherwise it is built whole.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from ..urls import Urls
from .cache import code_version
from .markdown import Rendered
from .pages import digest
from .searchindex import build_index, file_digest
from .searchpatch import patch_index
from .searchtext import search_doc
from .state import BuildState
from .taxonomy import SiteIndex


def search_stage(index: SiteIndex, rendered: Mapping[str, Rendered], urls: Urls, state: BuildState,
                 previous: dict, keys: dict, out_dir: Path,
                 built: Callable[[], tuple[dict[str, str], dict]] | None = None) -> dict[str, str]:
    """The search index files whose bytes changed (their digests go into `keys`).

    The index is made from each article's file (its digest) at its place in the site's
    order, and from code and settings: when none of that changed, the files the output
    holds are the ones a rebuild would make, so nothing is rebuilt (most of a no-change
    build's time at 10,000 articles); when a few articles changed in place, their share
    is patched into those files (searchpatch.py). `built`, if given, gives what
    `whole_index` gives, worked out already (in a child, while MathJax typeset)."""
    settings = key_settings(index)
    # Joined, not digested one by one: 10,000 digests were a tenth of a preview rebuild.
    doc_keys = tuple(f"{a.digest} {a.slug} {a.topic}" for a in index.articles)
    key = digest(settings, doc_keys)
    before = state.search if all(path in previous for path in state.search.get("files", ())) else {}
    if before.get("key") == key:
        keys.update((path, previous[path]) for path in before["files"])
        return {}

    def docs_at(ids: list[int]) -> list:
        return [search_doc(a, rendered[a.slug], urls.article(a.slug), index.topic(a.topic).name)
                for a in (index.articles[i] for i in ids)]

    patched = None
    if before and before.get("settings") == settings:
        patched = patch_index(out_dir, before, doc_keys, docs_at, previous, file_digest)
    if patched is not None:
        files, shape = patched
        names = before["files"]
    else:
        files, shape = built() if built else whole_index(index, rendered, urls)
        names = tuple(files)
    changed = {}
    for path in names:
        keys[path] = file_digest(files[path]) if path in files else previous[path]
        if path in files and previous.get(path) != keys[path]:
            changed[path] = files[path]
    # Only articles made from a file have a digest; without one the keys prove nothing.
    usable = all(a.digest for a in index.articles)
    state.search = {"key": key, "files": names, "docs": doc_keys, "settings": settings,
                    **shape} if usable else {}
    return changed


def whole_index(index: SiteIndex, rendered: Mapping[str, Rendered],
                urls: Urls) -> tuple[dict[str, str], dict]:
    """The index built whole, as a site with none on record (`state.search` empty) always
    has it built. One article at a time: every article's text at once was 50 MB at 10,000."""
    return build_index(search_doc(a, rendered[a.slug], urls.article(a.slug), index.topic(a.topic).name)
                       for a in index.articles)


def key_settings(index: SiteIndex) -> str:
    """What every article's search text depends on besides its own file."""
    return digest(code_version(), tuple((t.slug, t.name) for t in index.topics))
