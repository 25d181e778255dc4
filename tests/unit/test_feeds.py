from conftest import FEEDS
from hypothesis import given, settings
from hypothesis import strategies as st

from feedsite.extract.dumps import MAX_EXCERPT_CHARS, parse_dump

HEAD = b"INCOMING TRANSMISSION\n\nLATEST UPDATES\n"


def test_real_dumps_give_their_excerpts_and_skip_pagination():
    data = (FEEDS / "000_9609b70de3c4ed0b.txt").read_bytes()
    excerpts, problems = parse_dump("feeds/000.txt", data)
    assert problems == []
    assert len(excerpts) == 12  # 12 article lines; the `1 2` strip is not one
    assert excerpts[0].line == 4 and excerpts[0].text.startswith("旋转式位置编码(ROPE)")
    assert all(e.text != "1 2" for e in excerpts)


def test_bom_and_crlf_are_read_and_warned_about():
    excerpts, problems = parse_dump("d.txt", b"\xef\xbb\xbf" + HEAD.replace(b"\n", b"\r\n") + "一篇文章 讲位置编码,讲得很好...\r\n".encode())
    assert [e.text for e in excerpts] == ["一篇文章 讲位置编码,讲得很好..."]
    assert [str(p) for p in problems] == ["d.txt:1: warning: UTF-8 byte order mark ignored",
                                         "d.txt:1: warning: CRLF or CR line endings read as LF"]


def test_invalid_utf8_line_is_an_error_and_other_lines_survive():
    data = HEAD + b"good one, a real article...\nbad \xff\xfe line\ngood two, another article...\n"
    excerpts, problems = parse_dump("d.txt", data)
    assert [e.text for e in excerpts] == ["good one, a real article...", "good two, another article..."]
    assert len(problems) == 1 and str(problems[0]).startswith("d.txt:5: error: invalid UTF-8")


def test_binary_empty_and_headerless_files():
    _, binary = parse_dump("b.bin", b"\x00\x01\x02PNG\x00" * 100)
    _, empty = parse_dump("e.txt", b"")
    headerless, missing = parse_dump("h.txt", b"just an excerpt...\n")
    assert str(binary[0]) == "b.bin:1: error: binary file, not a text feed dump; skipped"
    assert str(empty[0]).startswith("e.txt:1: error: empty file")
    assert str(missing[0]).startswith("h.txt:1: error: missing header")
    assert [e.text for e in headerless] == ["just an excerpt..."]  # nothing good is lost


def test_overlong_line_is_skipped_with_its_line_number():
    data = HEAD + "第一篇,正文在这里很长很长...\n".encode() + "长".encode() * 600_000 + "\n第二篇,正文也在这里很长很长...\n".encode()
    excerpts, problems = parse_dump("d.txt", data)
    assert [e.text for e in excerpts] == ["第一篇,正文在这里很长很长...", "第二篇,正文也在这里很长很长..."]
    assert str(problems[0]).startswith("d.txt:5: error: line has 600,000 characters")
    assert MAX_EXCERPT_CHARS < 600_000


def test_a_line_too_short_to_be_an_article_is_warned_about_and_skipped():
    data = HEAD + "深度学习 笔记\n扩散模型\nok...\n真正的文章,讲位置编码与注意力...\n".encode()
    excerpts, problems = parse_dump("d.txt", data)
    assert [e.text for e in excerpts] == ["真正的文章,讲位置编码与注意力..."]
    assert [str(p).split(" (")[0] for p in problems] == [
        "d.txt:4: warning: line too short to be an article", "d.txt:5: warning: line too short to be an article",
        "d.txt:6: warning: line too short to be an article"]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_excerpts_or_clear_errors(data):
    excerpts, problems = parse_dump("x.txt", HEAD + data)
    for p in problems:
        assert str(p).startswith("x.txt:") and p.severity in ("error", "warning")
    for e in excerpts:
        assert e.text.strip() == e.text and e.text and "\n" not in e.text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=500))
def test_any_bytes_without_header_never_crash(data):
    excerpts, problems = parse_dump("y.txt", data)
    assert excerpts or problems
