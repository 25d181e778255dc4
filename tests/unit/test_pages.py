"""Planning pages: every path is claimed once, or the build says who collides."""
from feedsite.build.pages import Page, path_collisions


def page(path: str, origin: tuple[str, int]) -> Page:
    return Page(path, "/" + path, "article.html", key="", make=dict, origin=origin)


def test_pages_with_distinct_paths_do_not_collide():
    assert path_collisions([page("articles/a/index.html", ("content/a.md", 3)),
                            page("articles/b/index.html", ("content/b.md", 3))]) == []


def test_every_collision_is_one_error_naming_every_claimant():
    pages = [page("articles/a/index.html", ("content/a.md", 3)),
             page("tags/x/index.html", ("content/a.md", 5)),
             page("articles/a/index.html", ("content/b.md", 3)),
             page("articles/a/index.html", ("site.yaml", 0)),
             page("tags/x/index.html", ("content/c.md", 6))]
    assert [str(p) for p in path_collisions(pages)] == [
        "content/a.md:3: error: output path articles/a/index.html is also claimed by "
        "content/b.md:3, site.yaml",
        "content/a.md:5: error: output path tags/x/index.html is also claimed by content/c.md:6"]
