"""Refining by hand: the review queue, dry runs, retiring articles, and hand edits
that survive re-extraction under the new rules. Through the command line, on the real dumps."""
import re
import subprocess
import sys
from pathlib import Path

from feedsite import frontmatter


def feedsite(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "feedsite", *args], cwd=project, capture_output=True,
                          text=True, timeout=300)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


def fields_of(path: Path) -> dict:
    return frontmatter.parse(path.read_text(encoding="utf-8"))[0]


def edit(path: Path, **changes) -> None:
    fields, parts = frontmatter.parse(path.read_text(encoding="utf-8"))
    body = changes.pop("body", parts.body)
    fields.update(changes)
    path.write_text(frontmatter.dump(fields, body), encoding="utf-8")


def test_review_lists_every_keyword_title_worst_first_with_file_and_line(project):
    result = feedsite(project, "review")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) >= 30 and "articles to look at, worst first" in result.stderr
    keyword_files = sorted(p.name for p in (project / "content").glob("*.md")
                           if fields_of(p)["title_source"] == "keywords")
    found = [re.match(r"content/([^:]+):(\d+): review: (.*)", line) for line in lines]
    titled = [m for m in found if "title built from keywords" in m.group(3)]
    assert sorted(m.group(1) for m in titled) == keyword_files
    assert all(m.group(2) == "2" for m in titled)  # line 2 is `title:`
    # Worst first: 正确率 has a keyword title, a lost formula, a weak topic and a cut.
    assert found[0].group(1) == "zheng-que-lv.md" and found[0] in titled
    assert any("cut off" in line for line in lines) and any("lost upstream" in line for line in lines)


def test_a_fixed_title_leaves_the_review_queue_and_survives_re_extraction(project):
    path = next(p for p in (project / "content").glob("*.md") if fields_of(p)["title_source"] == "keywords")
    assert f"content/{path.name}:2: review: title built" in feedsite(project, "review").stdout
    edit(path, title="我定的标题")
    assert f"content/{path.name}:2: review: title built" not in feedsite(project, "review").stdout
    result = feedsite(project, "extract")
    assert ", 1 kept as edited;" in result.stdout
    fields = fields_of(path)
    assert fields["title"] == "我定的标题" and fields["title_source"] == "keywords"  # the file as the person left it
    assert f"content/{path.name}:2: review: title built" not in feedsite(project, "review").stdout


def test_hand_edits_of_every_field_survive_re_extraction_with_the_new_rules(project):
    path = project / "content" / "ddim-jia-su-ddpm-de-cai-yang-guo-cheng.md"
    body = "## 我的小节\n\n我重写的正文,讲 DDIM。\n"
    edit(path, title="DDIM 入门", topic="ml-fundamentals", tags=["DDIM", "我的标签"], body=body,
         aliases=["old-ddim"], summary="我写的摘要")
    assert ", 1 kept as edited;" in feedsite(project, "extract").stdout
    fields, parts = frontmatter.parse(path.read_text(encoding="utf-8"))
    assert (fields["title"], fields["topic"], fields["tags"]) == ("DDIM 入门", "ml-fundamentals", ["DDIM", "我的标签"])
    assert parts.body == body and fields["aliases"] == ["old-ddim"] and fields["summary"] == "我写的摘要"
    assert fields["slug"] == path.stem
    before = snapshot(project / "content")
    assert ", 1 kept as edited;" in feedsite(project, "extract").stdout
    assert snapshot(project / "content") == before
    # The machine fields still follow the text: the new body lost no formula.
    assert fields["lost_formulas"] == 0


def test_dry_run_prints_a_diff_and_writes_nothing(project):
    path = project / "content" / "rnn.md"
    edit(path, title="RNN 入门")
    (project / "content" / "tokenizer.md").unlink()
    dump = project / "feeds" / "004_8138c37ddb911598.txt"
    dump.write_text(dump.read_text(encoding="utf-8").replace("而对于这类问题", "而对于这一类问题"),
                    encoding="utf-8")
    before = snapshot(project / "content")
    result = feedsite(project, "extract", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert snapshot(project / "content") == before
    assert "--- /dev/null\n+++ b/content/tokenizer.md\n" in result.stdout
    assert "--- a/content/rnn.md\n+++ b/content/rnn.md\n" in result.stdout  # the new text, under the person's title
    assert "-而对于这类问题" in result.stdout and "+而对于这一类问题" in result.stdout and "-title: RNN" not in result.stdout
    assert result.stdout.rstrip().endswith("1 new, 0 updated, 38 unchanged, 1 kept as edited; 0 warnings, 0 errors")


def test_a_retired_article_stays_retired(project):
    content = project / "content"
    gone = content / "tokenizer.md"
    retired_id = fields_of(gone)["id"]
    gone.unlink()
    config = project / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nretired: [{retired_id}]\n", encoding="utf-8")
    kept = content / "rnn.md"
    edit(kept, status="retired")
    frozen = kept.read_bytes()
    result = feedsite(project, "extract")
    assert result.returncode == 0, result.stderr
    assert not gone.exists() and kept.read_bytes() == frozen
    assert ", 2 retired;" in result.stdout
    assert feedsite(project, "build").returncode == 0
    public = project / "public" / "articles"
    assert not (public / "tokenizer").exists() and not (public / "rnn").exists()
    assert (public / "medusa" / "index.html").is_file()


def test_a_bad_status_names_its_line(project):
    path = project / "content" / "rnn.md"
    edit(path, status="gone")
    result = feedsite(project, "build")
    line = next(i for i, l in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if l.startswith("status:"))
    assert result.returncode == 1 and f"content/rnn.md:{line}: error: status must be one of published, retired" \
        in result.stderr


def test_an_old_slug_redirects_and_feed_ids_do_not_follow_the_url(project):
    path = project / "content" / "ddim-jia-su-ddpm-de-cai-yang-guo-cheng.md"
    edit(path, aliases=["ddpm-you-yi-ge-fei-chang-ming-xian-de-wen-ti"])
    result = feedsite(project, "build", "--strict")
    assert result.returncode == 0, result.stderr
    public = project / "public"
    page = (public / "articles/ddpm-you-yi-ge-fei-chang-ming-xian-de-wen-ti/index.html").read_text(encoding="utf-8")
    target = "/articles/ddim-jia-su-ddpm-de-cai-yang-guo-cheng/"
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in page
    assert f'<link rel="canonical" href="https://notes.example.org{target}">' in page
    assert f'<a href="{target}">' in page and '<meta name="robots" content="noindex">' in page
    assert page.startswith("<!doctype html>") and '<html lang="zh-CN">' in page and "<title>" in page
    assert "ddpm-you-yi-ge" not in (public / "sitemap.xml").read_text(encoding="utf-8")
    atom = (public / "atom.xml").read_text(encoding="utf-8")
    ids = re.findall(r"<entry>.*?<id>([^<]+)</id>", atom, re.S)
    assert ids and all(i.startswith("urn:feedsite:") for i in ids)
    assert f"urn:feedsite:{fields_of(path)['id']}" in ids or len(ids) == 20


def test_an_alias_that_is_another_articles_slug_is_an_error(project):
    path = project / "content" / "rnn.md"
    edit(path, aliases=["medusa"])
    result = feedsite(project, "build")
    assert result.returncode == 1
    assert re.search(r"content/rnn.md:\d+: error: alias 'medusa' is already the slug or an alias of "
                     r"content/medusa.md", result.stderr), result.stderr
