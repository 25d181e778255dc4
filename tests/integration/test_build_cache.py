"""The persistent build cache (.feedsite-cache/build.sqlite) on the real collection.

Every test edits the inputs between cached builds and then checks the one thing a cache
must never break: the cached build's public/ is byte for byte what a clean `--no-cache`
build of the same inputs writes into a new folder. Edits are the ones an author makes
(a body, a title, a tag, a rename, a template, site.yaml) and the ones the cache must
survive (another feedsite version, a corrupt file, public/ changed by hand).
"""
from __future__ import annotations

import dataclasses
import os
import pickle
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_corpus
from test_build_cli import run

from feedsite.build.metarows import DELTA, DELTA_SHARE, ROWS, joined
from feedsite.build.pages import LIST_PAGE
from feedsite.build.state import page_keys

CACHE = Path(".feedsite-cache") / "build.sqlite"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def stats(folder: Path) -> dict[str, tuple[int, int, int]]:
    """mtime, inode and size of every file and folder: a rewrite changes one of them."""
    return {p.relative_to(folder).as_posix(): (s.st_mtime_ns, s.st_ino, s.st_size)
            for p in [folder, *folder.rglob("*")] for s in [p.stat()]}


def cached(project: Path, *args: str) -> str:
    """A cached build of public/; its summary line."""
    result = run(project, "build", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def assert_as_clean(project: Path, *args: str) -> dict[str, bytes]:
    """public/ equals a clean build of the same inputs into a fresh folder."""
    fresh = project.parent / f"clean-{len(list(project.parent.glob('clean-*')))}"
    result = run(project, "build", "--no-cache", "--out", str(fresh), *args)
    assert result.returncode == 0, result.stderr
    built, clean = tree(project / "public"), tree(fresh)
    assert sorted(built) == sorted(clean)
    differ = [p for p in clean if built[p] != clean[p]]
    assert not differ, f"{len(differ)} files differ from a clean build, e.g. {differ[:5]}"
    return built


def written(summary: str) -> int:
    return int(re.search(r"(\d+) files written", summary).group(1))


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def probed(project: Path, probe: str) -> subprocess.CompletedProcess:
    """`probe`, a script that runs a build and prints what it found, run in `project`."""
    result = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def recorded(project: Path, module: str, name: str, shown: dict[str, str]) -> subprocess.CompletedProcess:
    """A CLI build in `project`, in a child, with `module`'s `name` (a function or
    `Class.method`) wrapped so that each call's second argument goes into `calls`; it
    then prints each `label: value` of `shown`, whose values are expressions over `calls`."""
    probe = ("import importlib\n"
             "from feedsite.cli import main\n"
             f"owner, *path = importlib.import_module({module!r}), *{name.split('.')!r}\n"
             "for part in path[:-1]:\n"
             "    owner = getattr(owner, part)\n"
             "calls, real = [], getattr(owner, path[-1])\n"
             "setattr(owner, path[-1], lambda first, second, *rest: calls.append(second) or "
             "real(first, second, *rest))\n"
             "assert main(['build']) == 0\n"
             + "".join(f"print({label!r} + ':', {value})\n" for label, value in shown.items()))
    return probed(project, probe)


@pytest.fixture
def site(project: Path) -> Path:
    """The project after one cached build: the cache and public/ are warm."""
    cached(project)
    return project


def test_nothing_changed_writes_nothing(site):
    before = stats(site / "public")
    summary = cached(site)
    assert written(summary) == 0
    assert re.search(r"cache: (\d+) of \1 pages unchanged", summary), summary
    assert stats(site / "public") == before
    assert_as_clean(site)


def test_nothing_changed_after_an_article_added_writes_nothing(site):
    """The build that adds an article makes its folder; the next one, with nothing
    changed, must still find public/ as the cache recorded it and write nothing."""
    copies(site, 0, 1)
    cached(site)
    before = stats(site / "public")
    summary = cached(site)
    assert written(summary) == 0, summary
    assert stats(site / "public") == before
    assert_as_clean(site)


def test_one_body_edited(site):
    edit(site / "content/rnn.md", "## 概述\n", "## 概述\n\n缓存测试新增的一段话。\n")
    summary = cached(site)
    # The page, the cards showing its excerpt and some search files: not the whole site.
    assert 0 < written(summary) < 40, summary
    built = assert_as_clean(site)
    assert "缓存测试新增的一段话" in built["articles/rnn/index.html"].decode()


def test_a_body_edit_with_known_headings_slugs_nothing_again(site):
    """Heading anchors of an edited body come from earlier renders: the build does not
    load pypinyin (a third of an edit's time), and the page is as a clean build's."""
    edit(site / "content/rnn.md", "## 概述\n", "## 概述\n\n又一段新的话。\n")
    probe = ("import sys\nfrom feedsite.cli import main\nassert main(['build']) == 0\n"
             "print('pypinyin loaded:', 'pypinyin' in sys.modules)\n")
    result = probed(site, probe)
    assert "pypinyin loaded: False" in result.stdout and written(result.stdout) > 0, result.stdout
    assert_as_clean(site)


def test_a_body_edit_reads_no_stored_body(site):
    """The cache keeps articles' bodies apart from their parsed rows: an edit's build
    parses the edited file and needs no other article's text (cards take their length
    from the rendered body), so it fetches none."""
    edit(site / "content/rnn.md", "## 概述\n", "## 概述\n\n不读旧正文的编辑。\n")
    result = recorded(site, "feedsite.build.state", "_body", {"bodies fetched": "len(calls)"})
    assert "bodies fetched: 0" in result.stdout and written(result.stdout) > 0, result.stdout
    assert "不读旧正文的编辑" in assert_as_clean(site)["articles/rnn/index.html"].decode()


def test_a_body_left_in_the_store_is_the_files_and_the_file_stands_in_for_it(site):
    """Each cached article's body, fetched when asked for, is its file's as parsing gives
    it; with the store's copy gone (a row that cannot be read) the file gives it again.
    An article pickled before its body was fetched carries the body."""
    from feedsite.build.cache import FILE, open_store, store_version
    from feedsite.build.content import parse_article
    from feedsite.build.state import load_state
    from feedsite.config import load_config

    config = load_config(site / "site.yaml")
    parsed = {path: parse_article("x", Path(path).read_text(encoding="utf-8"), config)[0]
              for path in map(str, sorted((site / "content").glob("*.md")))}
    store, _ = open_store(site / ".feedsite-cache", store_version())
    try:
        rows = load_state(store).parsed
        assert sorted(rows) == sorted(parsed)
        for path, (_, article, _, _) in rows.items():
            assert "body" not in vars(article)
            assert pickle.loads(pickle.dumps(article)).body == parsed[path].body
        for path, (_, article, _, _) in load_state(store).parsed.items():
            assert article.body == parsed[path].body and "_fetch_body" not in vars(article)
        store.write({}, {"bodies": set(parsed)})
        for path, (_, article, _, _) in load_state(store).parsed.items():
            assert article.body == parsed[path].body != ""
    finally:
        store.close()
    assert (site / ".feedsite-cache" / FILE).is_file()


META_WRITTEN = {  # of every Store.write's puts
    "neighbours written": "any('neighbours' in puts.get('meta', {}) for puts in calls)",
    "meta rows written": "sorted(set().union(*(puts.get('meta', {}) for puts in calls)))",
    "delta bytes written": "sum(len(__import__('pickle').dumps(v, protocol=5)) for puts in calls "
                           "for k, v in puts.get('meta', {}).items() if k.endswith('+'))"}


def stored_meta(project: Path) -> dict:
    """The meta rows of the build cache, each big row with its delta applied (metarows.py)."""
    with sqlite3.connect(project / CACHE) as db:
        rows = {k: pickle.loads(v) for k, v in db.execute("SELECT k, v FROM meta")}
    return {**rows, **{name: joined(rows, name) for name in ROWS}}


def test_an_edit_rewrites_neither_the_neighbours_nor_a_copy_of_the_page_keys(site):
    """A body edit leaves every article's neighbours as they were: their row is not
    written again, and the pages' keys are stored once, in the plan. A tag edit changes
    the neighbours, and they are written; each build is as a clean one."""
    edit(site / "content/rnn.md", "## 概述\n", "## 概述\n\n邻居不变的编辑。\n")
    result = recorded(site, "feedsite.cache", "Store.write", META_WRITTEN)
    assert "neighbours written: False" in result.stdout, result.stdout
    beyond, dropped = stored_meta(site)["pages"]
    assert 0 < len(beyond) < 100 and not dropped  # the search index's files, not the site's pages
    assert_as_clean(site)
    edit(site / "content/rnn.md", "- 深度学习\n", "- 深度学习\n- 神经网络\n")
    assert "neighbours written: True" in recorded(site, "feedsite.cache", "Store.write", META_WRITTEN).stdout
    assert_as_clean(site)
    edit(site / "content/rnn.md", "邻居不变的编辑。", "邻居又不变的编辑。")
    assert "neighbours written: False" in recorded(site, "feedsite.cache", "Store.write", META_WRITTEN).stdout
    assert "邻居又不变的编辑" in assert_as_clean(site)["articles/rnn/index.html"].decode()


def test_an_edit_writes_only_what_changed_in_the_big_rows(site):
    """The plan, the output's stats, the page keys, the recency memo and the search
    record are read whole by every cached build; an edit writes only their changes
    (a delta row each), not the rows, until the changes outgrow an eighth of a row and
    the row is written anew. Every build in between is as a clean one."""
    whole = {name: len(pickle.dumps(row, protocol=5)) for name, row in stored_meta(site).items()
             if name in ROWS}
    for n in range(3):
        edit(site / "content/rnn.md", "## 概述\n", f"## 概述\n\n第 {n} 次编辑。\n")
        result = recorded(site, "feedsite.cache", "Store.write", META_WRITTEN)
        rows = set(eval(re.search(r"meta rows written: (.*)", result.stdout).group(1)))  # noqa: S307
        assert not rows & set(ROWS) and {"plan" + DELTA, "outputs" + DELTA} <= rows, result.stdout
        sent = int(re.search(r"delta bytes written: (\d+)", result.stdout).group(1))
        assert 0 < sent * 4 < sum(whole.values()), (sent, whole)
        assert f"第 {n} 次编辑" in assert_as_clean(site)["articles/rnn/index.html"].decode()
    # Every article edited: more than an eighth of the plan's sources change.
    articles = sorted((site / "content").glob("*.md"))
    assert len(articles) > DELTA_SHARE
    for path in articles:
        path.write_text(path.read_text(encoding="utf-8") + "\n全站的编辑。\n", encoding="utf-8")
    result = recorded(site, "feedsite.cache", "Store.write", META_WRITTEN)
    assert "'plan'" in result.stdout and "'plan+'" not in result.stdout, result.stdout
    assert "全站的编辑" in assert_as_clean(site)["articles/rnn/index.html"].decode()
    with sqlite3.connect(site / CACHE) as db:
        assert not db.execute("SELECT k FROM meta WHERE k = 'plan+'").fetchall()


def test_an_edit_looks_up_its_formulas_without_reading_every_formula_key(site):
    """The store's formula table holds every typeset formula of the site; an edit's build
    asks about the edited article's few, one lookup each, and reads no table's keys whole."""
    path = site / "content/sheng-cheng-mo-xing-yu-can-shu.md"
    assert path.read_text(encoding="utf-8").count("\\(") >= 5
    path.write_text(path.read_text(encoding="utf-8") + "\n公式键的编辑 \\(p_\\theta(x)\\) 与 \\(z\\)。\n", encoding="utf-8")
    result = recorded(site, "feedsite.cache", "Store.keys", {"keys read": "sorted(set(calls) - {'parsed'})"})
    assert "keys read: []" in result.stdout and written(result.stdout) > 0, result.stdout
    page = assert_as_clean(site)["articles/sheng-cheng-mo-xing-yu-can-shu/index.html"].decode()
    assert "公式键的编辑" in page and page.count("<mjx-container") >= 7


def test_title_edited_reaches_cards_neighbours_and_tags(site):
    page = (site / "public/articles/rnn/index.html").read_text()
    edit(site / "content/rnn.md", "title: RNN\n", "title: 循环神经网络入门\n")
    cached(site)
    built = assert_as_clean(site)
    pages = [p for p, data in built.items() if p.endswith(".html") and "循环神经网络入门".encode() in data]
    assert "articles/rnn/index.html" in pages
    assert any(p.startswith("tags/") for p in pages) and any(p.startswith("topics/") for p in pages)
    neighbours = re.findall(r'href="/articles/([^/"]+)/"[^>]*rel="(?:prev|next)"', page) or \
        re.findall(r'rel="(?:prev|next)"[^>]*href="/articles/([^/"]+)/"', page)
    assert neighbours and all(f"articles/{n}/index.html" in pages for n in neighbours), neighbours


def test_article_deleted(site):
    (site / "content/rnn.md").unlink()
    cached(site)
    built = assert_as_clean(site)
    assert not any(p.startswith("articles/rnn/") for p in built)
    assert not (site / "public/articles/rnn").exists()


def test_article_renamed_drops_its_old_pages(site):
    path = site / "content/rnn.md"
    edit(path, "slug: rnn\n", "slug: xun-huan-shen-jing-wang-luo\n")
    path.rename(site / "content/xun-huan-shen-jing-wang-luo.md")
    cached(site)
    built = assert_as_clean(site)
    assert "articles/xun-huan-shen-jing-wang-luo/index.html" in built
    assert not (site / "public/articles/rnn").exists()


def test_tag_added(site):
    before = tree(site / "public")
    edit(site / "content/rnn.md", "- 深度学习\n", "- 深度学习\n- 神经网络\n")
    cached(site)
    built = assert_as_clean(site)
    changed = [p for p in built if built[p] != before.get(p)]
    assert any(p.startswith("tags/") for p in changed), changed


@pytest.fixture
def themed(tmp_path: Path) -> Path:
    """A project with its own copy of the theme in templates/, after one cached build."""
    project = copy_corpus(tmp_path / "themed", theme=True)
    cached(project)
    return project


def test_template_edited(themed):
    edit(themed / "templates/article.html", "</article>", "</article>\n<!-- 模板已修改 -->")
    cached(themed)
    built = assert_as_clean(themed)
    assert "模板已修改" in built["articles/rnn/index.html"].decode()


def test_static_css_edited(themed):
    css = themed / "templates/static/style.css"
    css.write_text(css.read_text() + "\n.cache-test { color: red; }\n")
    cached(themed)
    built = assert_as_clean(themed)
    assert b".cache-test" in built["assets/style.css"]


def test_site_title_changed(site):
    edit(site / "site.yaml", "title: 机器学习笔记\n", "title: 另一个笔记站\n")
    cached(site)
    built = assert_as_clean(site)
    assert "另一个笔记站" in built["index.html"].decode()


def test_base_url_changed_on_the_command_line(site):
    cached(site, "--base-url", "https://example.org/notes/")
    built = assert_as_clean(site, "--base-url", "https://example.org/notes/")
    assert 'href="/notes/' in built["index.html"].decode()
    cached(site)  # and back
    assert_as_clean(site)


def test_new_formula_added(site):
    path = site / "content/76-zui-xiao-fu-gai-zi-chuan.md"
    assert "<mjx-container" not in (site / "public/articles/76-zui-xiao-fu-gai-zi-chuan/index.html").read_text()
    path.write_text(path.read_text() + "\n窗口长度满足 \\(r - l + 1 \\le \\sqrt{n}\\)。\n")
    cached(site)
    built = assert_as_clean(site)
    assert "<mjx-container" in built["articles/76-zui-xiao-fu-gai-zi-chuan/index.html"].decode()


def test_another_code_version_ignores_the_cache(site):
    """An older feedsite left this cache: its rows (here one body rendered wrong and its
    page marked stale) must not be used."""
    db = sqlite3.connect(site / CACHE)
    (body_key, blob), = db.execute("SELECT k, v FROM rendered LIMIT 1").fetchall()
    rendered = pickle.loads(blob)
    stale = dataclasses.replace(rendered, html="<p>旧版本渲染的正文</p>")
    db.execute("UPDATE rendered SET v = ? WHERE k = ?", (pickle.dumps(stale), body_key))
    meta = {k: pickle.loads(v) for k, v in db.execute("SELECT k, v FROM meta WHERE k IN ('pages', 'plan')")}
    keys = {path: "" if path.startswith("articles/") else key for path, key in page_keys(meta).items()}
    db.execute("UPDATE meta SET v = ? WHERE k = 'pages'", (pickle.dumps(keys),))
    db.execute("UPDATE meta SET v = ? WHERE k = 'version'", (pickle.dumps("0.0.1+0000000000000000 old"),))
    db.commit()
    db.close()
    summary = cached(site)
    assert re.search(r"cache: 0 of \d+ pages unchanged, 0 bodies", summary), summary
    built = assert_as_clean(site)
    assert not any("旧版本渲染的正文".encode() in data for data in built.values())
    # The store now belongs to this version: the next build uses it again.
    assert written(cached(site)) == 0


def test_an_edit_that_leaves_its_code_as_it_was_does_not_highlight_it_again(site):
    """An edit's build takes the highlighting of code it highlighted before from the cache:
    Pygments is not even imported (0.1 s of a new process), and the page is as a clean
    build makes it. The cached body holds the block's HTML once, not twice."""
    path = site / "content/11-sheng-zui-duo-shui-de-rong-qi.md"
    edit(path, "### 提示:\n", "### 提示:\n\n```python\ndef area(h, i, j):\n"
                              "    return min(h[i], h[j]) * (j - i)\n```\n\n")
    cached(site)  # highlights the new block and remembers it
    edit(path, "说明: 你不能倾斜容器。", "说明: 你不能倾斜容器,也不能叠放。")
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "feedsite", "build"], cwd=site,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert "feedsite.build.highlight" in imported and not {m for m in imported if m.startswith("pygments")}
    page = assert_as_clean(site)["articles/11-sheng-zui-duo-shui-de-rong-qi/index.html"].decode()
    assert "也不能叠放" in page and '<div class="highlight"><pre tabindex="0"><span></span><span class="k">def</span>' in page
    with sqlite3.connect(site / CACHE) as db:
        bodies = [pickle.loads(v) for (v,) in db.execute("SELECT v FROM rendered")]
    assert bodies and not any(body.highlighted for body in bodies)


def test_an_upgraded_library_that_shapes_the_pages_ignores_the_cache(site, tmp_path, monkeypatch):
    """Bodies cached under one Pygments must not outlive it: a build that finds another
    version installed (here, a second metadata folder on the path) renders every body anew."""
    assert written(cached(site)) == 0
    upgraded = tmp_path / "upgraded"
    (upgraded / "Pygments-99.0.dist-info").mkdir(parents=True)
    monkeypatch.setenv("PYTHONPATH", str(upgraded))
    summary = cached(site)
    assert re.search(r"cache: 0 of \d+ pages unchanged, 0 bodies", summary), summary
    assert_as_clean(site)
    assert written(cached(site)) == 0  # the store now belongs to this set of versions


def test_library_versions_are_read_from_the_metadata_folders_of_the_shaping_ones(tmp_path):
    from feedsite.cache import library_versions
    for name in ("Pygments-2.19.2.dist-info", "PyYAML-6.0.4.egg-info", "markdown_it_py-4.3.0.dist-info",
                 "requests-2.34.2.dist-info", "pygments", "Pygments-2.19.2.dist-info.bak"):
        (tmp_path / name).mkdir()
    assert library_versions([str(tmp_path), str(tmp_path / "missing")]) == \
        ["markdown_it_py-4.3.0", "pygments-2.19.2", "pyyaml-6.0.4"]


def test_corrupt_cache_file_is_a_warning(site):
    edit(site / "content/rnn.md", "## 概述\n", "## 概述\n\n损坏缓存之后的编辑。\n")
    (site / CACHE).write_bytes(b"this is not a database\0" * 200)
    result = run(site, "build")
    assert result.returncode == 0, result.stderr
    assert re.search(r"\.feedsite-cache/build\.sqlite:?\d*:? warning: cache ignored: .+; it is rebuilt",
                     result.stderr), result.stderr
    built = assert_as_clean(site)
    assert "损坏缓存之后的编辑" in built["articles/rnn/index.html"].decode()
    again = run(site, "build")
    assert again.returncode == 0 and "warning" not in again.stderr and written(again.stdout) == 0


def test_cache_another_process_is_writing_is_kept(site):
    """A cache another process holds mid-write for longer than a build waits (5 s) is
    sound: the build goes without it, with a warning, and leaves it as it is, rows and
    all, instead of removing it as if it were corrupt."""
    db = sqlite3.connect(site / CACHE, isolation_level=None)
    db.execute("UPDATE meta SET v = ? WHERE k = 'version'", (pickle.dumps("0.0.1+0000000000000000 old"),))
    rows = db.execute("SELECT count(*) FROM rendered").fetchone()[0]
    edit(site / "content/rnn.md", "## 概述\n", "## 概述\n\n缓存被占用时的编辑。\n")
    db.execute("BEGIN IMMEDIATE")  # an old version: opening the store must write to it
    try:
        result = run(site, "build")
    finally:
        db.execute("ROLLBACK")
    assert result.returncode == 0, result.stderr
    assert re.search(r"\.feedsite-cache/build\.sqlite:?\d*:? warning: cache not used: .*locked.*; "
                     r"building without it", result.stderr), result.stderr
    assert db.execute("SELECT count(*) FROM rendered").fetchone()[0] == rows > 0
    db.close()
    built = assert_as_clean(site)
    assert "缓存被占用时的编辑" in built["articles/rnn/index.html"].decode()


def test_a_cli_build_leaves_its_state_out_of_the_last_collection(site):
    """At exit the build's state is frozen, not collected object by object (0.2 s at
    10,000 articles): an exit hook registered before `main` runs after the CLI's and
    finds the collector off and the heap frozen. The build it ran is still a clean one."""
    edit(site / "content/rnn.md", "## 概述\n", "## 概述\n\n退出前的编辑。\n")
    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print('at exit:', gc.isenabled(), gc.get_freeze_count()))\n"
             "from feedsite.cli import main\n"
             "print('collector on:', gc.isenabled())\n"
             "sys.exit(main(['build']))\n")
    result = probed(site, probe)
    assert "collector on: True" in result.stdout, result.stdout
    said = re.search(r"at exit: (\w+) (\d+)", result.stdout)
    assert said and said[1] == "False" and int(said[2]) > 10_000, result.stdout
    assert "退出前的编辑" in assert_as_clean(site)["articles/rnn/index.html"].decode()


def test_public_changed_by_hand_is_repaired(site):
    public = site / "public"
    (public / "articles/rnn/index.html").unlink()
    (public / "tags/index.html").write_text("edited by hand")
    (public / "assets/style.css").write_bytes(b"")
    (public / "stray.html").write_text("not ours")
    cached(site)
    assert_as_clean(site)


def test_public_file_edited_with_its_mtime_kept_is_repaired(site):
    """An edit that keeps size and mtime (a `touch -r` after it) still changes the inode
    when made by rename, as editors do."""
    page = site / "public/articles/rnn/index.html"
    st = page.stat()
    data = page.read_bytes()
    other = page.with_name("edited")
    other.write_bytes(data.replace(b"<", b"[", 1))
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(other, page)
    cached(site)
    assert_as_clean(site)


def copies(project: Path, first: int, last: int) -> None:
    """Articles first..last-1: copies of rnn.md (topic ml-fundamentals) under new slugs."""
    text = (project / "content/rnn.md").read_text(encoding="utf-8")
    for i in range(first, last):
        slug = f"rnn-copy-{i:02d}"
        copy = (text.replace("slug: rnn\n", f"slug: {slug}\n")
                .replace("title: RNN\n", f"title: RNN 副本 {i:02d}\n")
                .replace("id: e6ef44b28010\n", f"id: c0ffee{i:06d}\n"))
        (project / "content" / f"{slug}.md").write_text(copy, encoding="utf-8")


def test_one_more_article_crosses_a_page_boundary(project):
    topic = project / "public/topics/ml-fundamentals"
    have = sum("topic: ml-fundamentals\n" in p.read_text() for p in (project / "content").glob("*.md"))
    copies(project, 0, LIST_PAGE - have)  # the topic's list exactly fills its first page
    cached(project)
    assert_as_clean(project)
    assert (topic / "index.html").is_file() and not (topic / "page").exists()
    copies(project, LIST_PAGE - have, LIST_PAGE - have + 1)
    cached(project)
    built = assert_as_clean(project)
    assert "topics/ml-fundamentals/page/2/index.html" in built
    (project / f"content/rnn-copy-{LIST_PAGE - have:02d}.md").unlink()
    cached(project)
    assert_as_clean(project)
    assert not (topic / "page").exists()



def test_same_size_edit_within_one_timestamp_tick(site, monkeypatch, capsys):
    """Two saves of the same size within one tick of the file system's clock (a few
    milliseconds on ext4, 2 s on FAT) leave the same mtime, size and inode. The second
    is simulated by writing in place and putting the first save's mtime back, as such a
    clock would have. The build runs in this process, so that it reads the first save
    within that tick however loaded the machine is."""
    from feedsite.cli import main
    monkeypatch.chdir(site)
    path = site / "content/rnn.md"
    edit(path, "## 概述\n", "## 概述\n\n第一次保存。\n")
    assert main(["build"]) == 0  # the build sees the first save...
    st = path.stat()
    edit(path, "第一次保存", "第二次保存")  # ...and the second comes in the same tick
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_ino, path.stat().st_size, path.stat().st_mtime_ns) == \
        (st.st_ino, st.st_size, st.st_mtime_ns)
    assert main(["build"]) == 0
    capsys.readouterr()
    built = assert_as_clean(site)
    assert "第二次保存" in built["articles/rnn/index.html"].decode()
