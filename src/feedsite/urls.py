"""Clean URLs and where each lands on disk. Every internal link goes through
here, so one `base_url` (a domain root or a subpath) is right everywhere."""
from __future__ import annotations

from dataclasses import dataclass
from posixpath import join


@dataclass(frozen=True)
class Urls:
    base_path: str  # always starts and ends with "/"

    def _at(self, *parts: str) -> str:
        # Concatenation, not posixpath.join: a site's every page asks for a dozen URLs,
        # and no part here starts with "/" (slugs cannot, see slugs.SLUG_RE).
        return self.base_path + "/".join(parts)

    def home(self) -> str:
        return self.base_path

    def topics(self) -> str:
        return self._at("topics", "")

    def topic(self, slug: str) -> str:
        return self._at("topics", slug, "")

    def article(self, slug: str) -> str:
        return self._at("articles", slug, "")

    def tags(self) -> str:
        return self._at("tags", "")

    def tag(self, slug: str) -> str:
        return self._at("tags", slug, "")

    def page(self, first: str, number: int) -> str:
        """Page `number` of a list whose first page is at `first`: `…/page/2/`."""
        return first if number == 1 else join(first, "page", str(number), "")

    def search(self) -> str:
        return self._at("search", "")

    def asset(self, path: str) -> str:
        return self._at("assets", path)

    def file(self, name: str) -> str:
        return self._at(name)


def output_path(url: str, base_path: str) -> str:
    """`/notes/articles/x/` -> `articles/x/index.html`, relative to the output folder."""
    rel = url[len(base_path):] if url.startswith(base_path) else url.lstrip("/")
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel
