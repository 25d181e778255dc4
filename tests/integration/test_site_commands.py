"""`feedsite init`, `feedsite new` and `feedsite check --content`, as a person runs
them: new sites and articles appear, nothing existing is overwritten, and content a
person edited by hand passes the same checks CI runs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from feedsite import frontmatter


def feedsite(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "feedsite", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_init_makes_a_site_that_builds_and_never_overwrites(tmp_path):
    result = feedsite(tmp_path, "init", "notes")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "notes"
    assert (site / "site.yaml").is_file() and (site / "feeds").is_dir()
    assert feedsite(site, "check", "--content").returncode == 0
    config = (site / "site.yaml").read_text() + "# mine\n"
    (site / "site.yaml").write_text(config)
    again = feedsite(tmp_path, "init", "notes")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert again.stderr.strip() == "notes/site.yaml: error: a site is already here; nothing was written"
    assert (site / "site.yaml").read_text() == config


def test_new_writes_valid_front_matter_once(tmp_path):
    feedsite(tmp_path, "init", "s")
    site = tmp_path / "s"
    result = feedsite(site, "new", "投机解码 入门", "--tags", "笔记", "--date", "2026-12-01")
    assert result.returncode == 0 and result.stdout.strip() == "new: content/tou-ji-jie-ma-ru-men.md"
    fields, parts = frontmatter.parse((site / "content/tou-ji-jie-ma-ru-men.md").read_text())
    assert fields == {"title": "投机解码 入门", "slug": "tou-ji-jie-ma-ru-men", "topic": "notes",
                      "tags": ["笔记"], "date": "2026-12-01"}
    assert feedsite(site, "check", "--content").returncode == 0
    (site / "content/tou-ji-jie-ma-ru-men.md").write_text("mine")
    again = feedsite(site, "new", "投机解码 入门")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert (site / "content/tou-ji-jie-ma-ru-men.md").read_text() == "mine"
    bad = feedsite(site, "new", "x", "--topic", "nope")
    assert bad.returncode == 1 and "unknown topic 'nope'" in bad.stderr


def test_hand_edited_content_passes_the_content_checks_and_survives_extraction(project):
    path = next(p for p in sorted((project / "content").glob("*.md")) if "rope" in p.stem)
    fields, parts = frontmatter.parse(path.read_text(encoding="utf-8"))
    fields["title"] = "RoPE:旋转式位置编码(手改)"
    fields["tags"] = [*fields["tags"][:1], "Transformer"]
    body = parts.body.rstrip() + "\n\n## 我的补充\n\n手写的一段,引用[位置编码综述](/tags/)。\n"
    path.write_text(frontmatter.dump(fields, body), encoding="utf-8")

    checked = feedsite(project, "check", "--content")
    assert checked.returncode == 0, checked.stderr
    extracted = feedsite(project, "extract")
    assert extracted.returncode == 0 and ", 1 kept as edited;" in extracted.stdout
    kept, kept_parts = frontmatter.parse(path.read_text(encoding="utf-8"))
    assert (kept["title"], kept["tags"], kept_parts.body.strip()) == (fields["title"], fields["tags"],
                                                                      body.strip())
    assert feedsite(project, "check", "--content").returncode == 0
    assert not (project / "public").exists()  # the check builds into a scratch folder


def test_content_check_names_what_ci_would_reject(project):
    path = next(p for p in sorted((project / "content").glob("*.md")))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip() + "\n\n见[不存在的文章](/articles/no-such-article/)。\n", encoding="utf-8")
    other = sorted((project / "content").glob("*.md"))[1]
    other.write_text(other.read_text(encoding="utf-8").replace("tags:\n", "tags:\n- 没有这个标签\n", 1),
                     encoding="utf-8")
    result = feedsite(project, "check", "--content")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"content/{other.name}:5: warning: tag '没有这个标签' is not in site.yaml's tag vocabulary" \
        in result.stderr
    other.write_text(other.read_text(encoding="utf-8").replace("- 没有这个标签\n", ""), encoding="utf-8")
    result = feedsite(project, "check", "--content")
    assert result.returncode == 1
    assert f"public/articles/{path.stem}/index.html:" in result.stderr
    assert "error: broken link: /articles/no-such-article/" in result.stderr
