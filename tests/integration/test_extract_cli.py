"""The extractor end to end, through its command line, on the real dumps."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONTENT, CORPUS_CONFIG

from feedsite import frontmatter
from feedsite.cli import main
from feedsite.extract.titles import MAX_TITLE


def extract(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "feedsite", "extract", *args],
                          cwd=project, capture_output=True, text=True, timeout=120)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.glob("*.md"))}


@pytest.fixture
def fresh(project: Path) -> Path:
    shutil.rmtree(project / "content")
    return project


def test_golden_the_five_dumps_give_exactly_the_committed_content(fresh):
    result = extract(fresh)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("extract: 5 dumps, 60 excerpts, 40 articles: 40 new, 0 updated, "
                                     "0 unchanged, 0 kept as edited; 0 warnings, 0 errors")
    made = {p.name: p.read_bytes() for p in (fresh / "content").glob("*.md")}
    committed = {p.name: p.read_bytes() for p in CONTENT.glob("*.md")}
    assert made == committed


def test_second_run_touches_nothing(project):
    before = snapshot(project / "content")
    result = extract(project)
    assert "0 new, 0 updated, 40 unchanged, 0 kept" in result.stdout
    assert snapshot(project / "content") == before


def test_output_does_not_depend_on_listing_order(fresh):
    dumps = sorted((fresh / "feeds").glob("*.txt"), reverse=True)
    assert extract(fresh, *map(str, dumps)).returncode == 0
    assert {p.name: p.read_bytes() for p in (fresh / "content").glob("*.md")} == \
        {p.name: p.read_bytes() for p in CONTENT.glob("*.md")}


def test_repeated_articles_are_merged_with_every_source():
    fields, _ = frontmatter.parse((CONTENT / "76-zui-xiao-fu-gai-zi-chuan.md").read_text())
    assert fields["sources"] == ["feeds/000_9609b70de3c4ed0b.txt:6"]
    every = {f["title"]: f for f in (frontmatter.parse(p.read_text())[0] for p in CONTENT.glob("*.md"))}
    assert every["Diffusion与文本生成"]["sources"] == [
        "feeds/000_9609b70de3c4ed0b.txt:9", "feeds/002_c285043321f8e045.txt:4",
        "feeds/003_c9a5cc078a62a5ab.txt:5", "feeds/004_8138c37ddb911598.txt:8"]


def test_a_longer_cut_of_an_excerpt_merges_into_one_file(tmp_path):
    head = "INCOMING TRANSMISSION\n\nLATEST UPDATES\n"
    (tmp_path / "a.txt").write_text(head + "概述 投机解码是一种加速方法,它很快...\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(head + "无关的文章在这里,讲别的事情...\n概述 投机解码是一种加速方法,它很快,而且正确。\n",
                                    encoding="utf-8")
    assert main(["extract", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                 "--config", str(CORPUS_CONFIG), "--content", str(tmp_path / "out")]) == 0
    files = sorted((tmp_path / "out").glob("*.md"))
    assert len(files) == 2
    fields, parts = frontmatter.parse(next(f for f in files if "tou-ji" in f.name).read_text())
    assert fields["sources"] == [f"{tmp_path}/a.txt:4", f"{tmp_path}/b.txt:5"] or \
        [s.rsplit("/", 1)[-1] for s in fields["sources"]] == ["a.txt:4", "b.txt:5"]
    assert fields["truncated"] is False and parts.body.rstrip().endswith("而且正确。")


def test_front_matter_fields_on_the_real_content(config):
    titles, slugs = set(), set()
    for path in CONTENT.glob("*.md"):
        fields, _ = frontmatter.parse(path.read_text(encoding="utf-8"))
        assert list(fields)[:4] == ["title", "slug", "topic", "tags"]
        assert 0 < len(fields["title"]) <= MAX_TITLE and fields["title"] not in titles
        assert path.stem == fields["slug"] and fields["slug"] not in slugs and len(fields["slug"]) <= 60
        assert config.topic(fields["topic"]) is not None
        assert 1 <= len(fields["tags"]) <= 6  # one where the text names no second tag that fits
        assert isinstance(fields["truncated"], bool) and isinstance(fields["lost_formulas"], int)
        titles.add(fields["title"])
        slugs.add(fields["slug"])
    assert len(titles) == 40
    truncated = [frontmatter.parse(p.read_text())[0]["truncated"] for p in CONTENT.glob("*.md")]
    assert truncated.count(True) == 39


def edit(path: Path, **changes) -> None:
    fields, parts = frontmatter.parse(path.read_text(encoding="utf-8"))
    body = changes.pop("body", parts.body)
    fields.update(changes)
    path.write_text(frontmatter.dump(fields, body), encoding="utf-8")


@pytest.mark.parametrize("change", [
    {"title": "RoPE:旋转式位置编码"}, {"topic": "ml-fundamentals"}, {"tags": ["RoPE"]},
    {"body": "我自己重写的正文。\n"}])
def test_hand_edits_survive_and_machine_fields_update(project, change):
    path = project / "content" / "xuan-zhuan-shi-wei-zhi-bian-ma-rope.md"
    edit(path, sources=["feeds/stale.txt:1"], **change)
    edited = frontmatter.parse(path.read_text())[0]
    result = extract(project)
    assert result.returncode == 0 and ", 1 kept as edited;" in result.stdout
    fields, parts = frontmatter.parse(path.read_text())
    for key, value in change.items():
        assert (parts.body if key == "body" else fields[key]) == value
    assert fields["sources"] == ["feeds/000_9609b70de3c4ed0b.txt:4", "feeds/001_f00c854485791293.txt:4"]
    assert fields["fingerprint"] == edited["fingerprint"]
    # The slug, and so the file and its URL, stay put even when the title changes.
    assert fields["slug"] == path.stem and len(list((project / "content").glob("*.md"))) == 40
    # A second run still keeps the edit and writes nothing new.
    before = snapshot(project / "content")
    assert ", 1 kept as edited;" in extract(project).stdout
    assert snapshot(project / "content") == before


def test_a_file_with_broken_yaml_is_reported_and_left_alone(project):
    path = project / "content" / "rnn.md"
    broken = path.read_text().replace("topic: ml-fundamentals", "topic: [unclosed")
    path.write_text(broken)
    result = extract(project)
    assert result.returncode == 1
    assert "content/rnn.md:4: error: invalid YAML in front matter" in result.stderr
    assert path.read_text() == broken
    assert len(list((project / "content").glob("*.md"))) == 40


HEAD = b"INCOMING TRANSMISSION\n\nLATEST UPDATES\n"


def bad_feeds(folder: Path) -> None:
    folder.mkdir()
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + HEAD + "BOM 文章的正文在此,讲位置编码...\n".encode())
    (folder / "crlf.txt").write_bytes((HEAD + "CRLF 文章的正文在此,讲扩散模型...\n".encode()).replace(b"\n", b"\r\n"))
    (folder / "utf8.txt").write_bytes(HEAD + "好的 文章在这里,讲目标检测...\n".encode() + b"\xff\xfe bad\n")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 20)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noheader.txt").write_bytes("没有抬头的 文章也要保住,讲搜索...\n".encode())
    (folder / "huge.txt").write_bytes(HEAD + b"x" * 600_000 + b"\n" + "长行之后的 文章也在,讲推荐...\n".encode())
    (folder / "paths.txt").write_bytes(HEAD + "../../x 路径一样的标题,讲深度学习...\n..\\x 另一个路径,讲神经网络...\n".encode())
    (folder / "same.txt").write_bytes(HEAD + "同名标题 第一篇文章的正文,讲推荐...\n同名标题 第二篇完全不同的正文,讲搜索...\n".encode())


def test_bad_input_is_reported_by_file_and_line_and_good_articles_are_written(tmp_path):
    shutil.copy(CORPUS_CONFIG, tmp_path / "site.yaml")
    bad_feeds(tmp_path / "feeds")
    result = extract(tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for expected in ("feeds/bom.txt:1: warning: UTF-8 byte order mark ignored",
                     "feeds/crlf.txt:1: warning: CRLF or CR line endings read as LF",
                     "feeds/utf8.txt:5: error: invalid UTF-8",
                     "feeds/binary.bin:1: error: binary file",
                     "feeds/empty.txt:1: error: empty file",
                     "feeds/noheader.txt:1: error: missing header",
                     "feeds/huge.txt:4: error: line has 600,000 characters",
                     "feeds/same.txt:5: warning: title '同名标题' is also inferred for feeds/same.txt:4; "
                     "using '同名标题 (2)'"):
        assert expected in result.stderr, result.stderr
    written = [frontmatter.parse(p.read_text())[0] for p in (tmp_path / "content").glob("*.md")]
    assert sorted(s for f in written for s in f["sources"]) == [
        "feeds/bom.txt:4", "feeds/crlf.txt:4", "feeds/huge.txt:5", "feeds/noheader.txt:1",
        "feeds/paths.txt:4", "feeds/paths.txt:5", "feeds/same.txt:4", "feeds/same.txt:5",
        "feeds/utf8.txt:4"]
    assert {"同名标题", "同名标题 (2)"} <= {f["title"] for f in written}
    assert all(p.resolve().parent == (tmp_path / "content").resolve()
               for p in (tmp_path / "content").iterdir())
    # Nothing was written anywhere but the content folder and the cache beside site.yaml.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".feedsite-cache", "content", "feeds",
                                                          "site.yaml"]
    assert [p.name for p in (tmp_path / ".feedsite-cache").iterdir()
            if not p.name.endswith(("-wal", "-shm"))] == ["extract.sqlite"]
    assert not (tmp_path.parent / "x.md").exists()


def test_wrong_usage_exits_2(project):
    result = subprocess.run([sys.executable, "-m", "feedsite", "extract", "--bogus"],
                            cwd=project, capture_output=True, text=True)
    assert result.returncode == 2 and "usage:" in result.stderr


def test_missing_path_is_an_error_not_a_traceback(project):
    result = extract(project, "no/such/dump.txt")
    assert result.returncode == 1 and "no/such/dump.txt: error: no such file or folder" in result.stderr


def test_articles_sharing_an_opening_keep_separate_files(tmp_path):
    opening = "概述 投机解码是一种加速大模型推理的方法,它先用一个小模型快速起草若干个候选词,"
    assert len(opening) < 64
    pad = "然后由大模型一次并行验证这些候选词,接受其中正确的部分"
    first, second = opening + pad + "。第一篇后面讲树形注意力...", opening + pad + "。第二篇后面讲多头解码..."
    (tmp_path / "a.txt").write_text(f"INCOMING TRANSMISSION\n\nLATEST UPDATES\n{first}\n{second}\n",
                                    encoding="utf-8")
    args = ["extract", str(tmp_path / "a.txt"), "--config", str(CORPUS_CONFIG),
            "--content", str(tmp_path / "out")]
    assert main(args) == 0
    bodies = sorted(frontmatter.parse(p.read_text())[1].body for p in (tmp_path / "out").glob("*.md"))
    assert len(bodies) == 2 and "树形注意力" in bodies[1] + bodies[0] and "多头解码" in bodies[0] + bodies[1]
    before = snapshot(tmp_path / "out")
    assert main(args) == 0
    assert snapshot(tmp_path / "out") == before  # each still finds its own file


def test_a_file_that_lost_its_id_is_found_by_its_sources(project):
    path = project / "content" / "rnn.md"
    original = path.read_text()
    path.write_text("".join(l for l in original.splitlines(keepends=True) if not l.startswith("id: ")))
    result = extract(project)
    assert "0 new, 1 updated, 39 unchanged" in result.stdout
    assert path.read_text() == original
    assert len(list((project / "content").glob("*.md"))) == 40


def test_only_the_edited_field_is_kept_when_a_longer_excerpt_arrives(project):
    path = project / "content" / "rnn.md"
    edit(path, title="RNN 入门")
    dump = project / "feeds" / "004_8138c37ddb911598.txt"
    lines = dump.read_text(encoding="utf-8").split("\n")
    assert lines[14].startswith("RNN 概述") and lines[14].endswith("...")
    lines[14] = lines[14][:-3] + "的输出,这是补全的结尾。"
    dump.write_text("\n".join(lines), encoding="utf-8")
    result = extract(project)
    assert ", 1 kept as edited;" in result.stdout
    fields, parts = frontmatter.parse(path.read_text())
    assert fields["title"] == "RNN 入门"  # the person's title
    assert parts.body.rstrip().endswith("这是补全的结尾。") and fields["truncated"] is False  # the new text
    # Still marked as edited: the next run keeps the title and changes nothing.
    before = snapshot(project / "content")
    assert ", 1 kept as edited;" in extract(project).stdout
    assert snapshot(project / "content") == before


def test_a_file_without_a_fingerprint_is_kept_whole(project):
    path = project / "content" / "rnn.md"
    fields, parts = frontmatter.parse(path.read_text())
    del fields["fingerprint"]
    path.write_text(frontmatter.dump(fields, "我手写的正文。"), encoding="utf-8")
    assert ", 1 kept as edited;" in extract(project).stdout
    fields, parts = frontmatter.parse(path.read_text())
    assert parts.body.strip() == "我手写的正文。" and "fingerprint" not in fields
