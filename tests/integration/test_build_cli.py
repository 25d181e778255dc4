"""`build-site` on real and broken inputs, through the command line."""
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_corpus

from feedsite.build.check import check_site


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "feedsite", *args], cwd=project,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The real site, built once through `build-site`."""
    root = copy_corpus(tmp_path_factory.mktemp("real"))
    out = root / "public"
    result = subprocess.run([str(Path(sys.executable).parent / "build-site"), "--out", str(out)],
                            cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"build: \d+ pages in .*/, \d+ files written, 0 warnings, [\d.]+ s; "
                        r"cache: 0 of \d+ pages unchanged, 0 bodies and 0 formulas reused\n", result.stdout)
    return out


def test_real_site_has_every_page_kind(built, config):
    assert (built / "index.html").is_file() and (built / "404.html").is_file()
    assert len(list((built / "articles").glob("*/index.html"))) == 40
    assert sorted(p.name for p in (built / "topics").iterdir() if p.is_dir()) == sorted(
        t.slug for t in config.topics)
    assert (built / "topics" / "index.html").is_file()
    assert len(list((built / "tags").glob("*/index.html"))) >= 30
    for name in ("atom.xml", "sitemap.xml", "robots.txt", "search/index.html", "search/data/meta.json",
                 "assets/mathjax/fonts/MathJax_Main-Regular.woff", "assets/style.css"):
        assert (built / name).is_file(), name


def test_real_site_has_no_broken_internal_links(built):
    assert check_site(built, "/") == []


def test_atom_feed_and_sitemap_are_valid_xml(built):
    import xml.etree.ElementTree as ET
    atom = ET.parse(built / "atom.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert atom.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = atom.findall("a:entry", ns)
    assert len(entries) == 20
    for entry in entries:
        for child in ("title", "id", "updated", "link"):
            assert entry.find(f"a:{child}", ns) is not None
    sitemap = ET.parse(built / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = list(built.rglob("index.html"))
    # Every page but the search page, which has nothing of its own for a crawler.
    assert len(locs) == len(pages) - 1 and all(l.startswith("https://") for l in locs)
    assert "https://notes.example.org/search/" not in locs


def test_math_is_typeset_in_the_html_with_no_mathjax_script(built):
    lc = (built / "articles/76-zui-xiao-fu-gai-zi-chuan/index.html").read_text()
    diffusion = (built / "articles/ddpm-guan-jian-dian/index.html").read_text()
    assert "<mjx-container" in diffusion and "<mjx-assistive-mml" in diffusion
    assert "<mjx-container" not in lc and "@font-face" not in lc  # no math, no math CSS
    pages = list(built.rglob("*.html"))
    assert not [p for p in pages if "mathjax" in p.read_text().replace("assets/mathjax/fonts/", "")]
    assert not list(built.rglob("tex-chtml.js")) and not (built / "assets/mathjax-config.js").exists()


def test_truncated_and_lost_formula_notes(built):
    page = (built / "articles/dui-mnist-ren-wu-jian-mo/index.html").read_text()
    assert 'id="cut"' in page and "原文在此截断" in page and 'class="lost-formula"' in page
    assert "处公式在来源中丢失，文中标为" in page
    assert "feeds/001_f00c854485791293.txt:11" in page  # provenance is shown


def test_subpath_base_url_puts_every_link_under_it(project, tmp_path):
    config = (project / "site.yaml").read_text().replace(
        "base_url: https://notes.example.org/", "base_url: https://example.org/notes/")
    (project / "site.yaml").write_text(config)
    result = run(project, "build", "--strict", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out/articles/rnn/index.html").read_text()
    links = re.findall(r'(?:href|src|action)="([^"]+)"', html)
    assert links and all(l.startswith(("/notes/", "#", "https://example.org/notes/")) for l in links), links
    assert check_site(tmp_path / "out", "/notes/") == []


def break_files(project: Path) -> None:
    content = project / "content"
    text = (content / "rnn.md").read_text()
    (content / "rnn.md").write_text(text.replace("topic: ml-fundamentals", "topic: nonsense"))
    text = (content / "ru-he-ji-suan-rf.md").read_text()
    (content / "ru-he-ji-suan-rf.md").write_text(text.replace("tags:\n", "tags: [unclosed\n", 1))
    text = (content / "sou-suo-yin-qing-gai-shu.md").read_text()
    (content / "sou-suo-yin-qing-gai-shu.md").write_text(re.sub(r"(?m)^title: .*\n", "", text))
    shutil.copy(content / "bert-mo-xing-de-yuan-li-ji-qi-bian-ti.md", content / "z-copy-of-bert.md")
    text = (content / "z-copy-of-bert.md").read_text()
    (content / "z-copy-of-bert.md").write_text(text.replace("title: BERT模型的原理及其变体", "title: 另一篇"))


def test_every_problem_is_listed_at_once_and_public_is_untouched(project):
    assert run(project, "build").returncode == 0
    before = {p: p.read_bytes() for p in (project / "public").rglob("*") if p.is_file()}
    break_files(project)
    result = run(project, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = result.stderr.splitlines()
    assert "content/rnn.md:4: error: unknown topic 'nonsense' (known: generative-models, " \
           "llm-transformer, computer-vision, search-recommendation, algorithms, ml-fundamentals)" in errors
    assert any(e.startswith("content/ru-he-ji-suan-rf.md:5: error: invalid YAML") for e in errors)
    assert "content/sou-suo-yin-qing-gai-shu.md:2: error: missing required key 'title'" in errors
    assert "content/z-copy-of-bert.md:3: error: duplicate slug 'bert-mo-xing-de-yuan-li-ji-qi-bian-ti', " \
           "also used by content/bert-mo-xing-de-yuan-li-ji-qi-bian-ti.md" in errors
    assert len(errors) == 4
    after = {p: p.read_bytes() for p in (project / "public").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in project.iterdir() if p.name.startswith(".public") and p.is_dir()]


def test_template_errors_name_the_template_and_line(project):
    (project / "site.yaml").write_text((project / "site.yaml").read_text().replace(
        "templates_dir: templates", "templates_dir: mytemplates"))
    (project / "mytemplates").mkdir()
    (project / "mytemplates/tag.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n")
    result = run(project, "build")
    assert result.returncode == 1
    assert "mytemplates/tag.html:3: error: template syntax error" in result.stderr
    (project / "mytemplates/tag.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{{ no_such_thing.x }}\n{% endblock %}\n")
    result = run(project, "build")
    assert result.returncode == 1
    assert "mytemplates/tag.html:3: error: template error: 'no_such_thing' is undefined" in result.stderr


def test_a_site_can_override_one_template(project, tmp_path):
    (project / "site.yaml").write_text((project / "site.yaml").read_text().replace(
        "templates_dir: templates", "templates_dir: mytemplates"))
    (project / "mytemplates").mkdir()
    (project / "mytemplates/404.html").write_text(
        "{% extends 'base.html' %}{% block main %}<h1>自定义的 404</h1>{% endblock %}\n")
    assert run(project, "build", "--out", str(tmp_path / "o")).returncode == 0
    assert "自定义的 404" in (tmp_path / "o/404.html").read_text()
    assert 'class="cloud"' in (tmp_path / "o/tags/index.html").read_text()  # the rest is default


def test_strict_fails_on_warnings(project):
    path = project / "content/rnn.md"
    path.write_text(path.read_text().replace("- RNN\n", "- 新标签\n", 1))
    assert run(project, "build").returncode == 0
    result = run(project, "build", "--strict")
    assert result.returncode == 1
    assert "content/rnn.md:5: warning: tag '新标签' is not in site.yaml's tag vocabulary" in result.stderr


def test_check_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="/a/">ok</a>\n<a href="/missing/">x</a>\n'
                                         '<a href="/a/#nope">y</a><a href="#top" id="top">z</a>'
                                         '<script src="/assets/x.js"></script>')
    (tmp_path / "a/index.html").write_text('<h2 id="here">h</h2>')
    problems = [str(p) for p in check_site(tmp_path, "/")]
    assert problems == [f"{tmp_path}/index.html:2: error: broken link: /missing/",
                        f"{tmp_path}/index.html:3: error: missing anchor: /a/#nope",
                        f"{tmp_path}/index.html:3: error: broken link: /assets/x.js"]


def test_strict_fails_on_a_broken_link_and_keeps_the_old_site(project):
    assert run(project, "build").returncode == 0
    before = (project / "public/articles/rnn/index.html").read_bytes()
    path = project / "content/rnn.md"
    path.write_text(path.read_text() + "\n另见[不存在的文章](/articles/no-such-article/)。\n")
    assert run(project, "build", "--strict", "--out", "public").returncode == 1
    result = run(project, "build", "--strict")
    assert result.returncode == 1
    assert "public/articles/rnn/index.html:" in result.stderr
    assert "error: broken link: /articles/no-such-article/" in result.stderr
    assert (project / "public/articles/rnn/index.html").read_bytes() == before
    assert run(project, "build").returncode == 0  # without --strict it is the author's call


def test_a_killed_build_leaves_the_old_site_and_the_next_build_tidies_up(project):
    assert run(project, "build").returncode == 0
    before = {p: p.read_bytes() for p in (project / "public").rglob("*") if p.is_file()}
    proc = subprocess.Popen([sys.executable, "-m", "feedsite", "build", "--no-cache"],
                            cwd=project)  # a cached no-change build ends too soon to kill
    deadline = time.monotonic() + 60
    while not list(project.glob(".public.building-*/articles")) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.kill()
    assert proc.wait() == -9, "the build finished before it could be interrupted"
    assert list(project.glob(".public.building-*"))  # what the killed build left
    assert {p: p.read_bytes() for p in (project / "public").rglob("*") if p.is_file()} == before
    assert run(project, "build").returncode == 0
    assert not list(project.glob(".public.building-*")) and not list(project.glob(".public.old-*"))
