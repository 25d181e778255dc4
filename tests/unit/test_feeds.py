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
    excerpts, problems = parse_dump("d.txt", b"\xef\xbb\xbf" + HEAD.replace(b"\n", b"\r\n") + b"a b...\r\n")
    assert [e.text for e in excerpts] == ["a b..."]
    assert [str(p) for p in problems] == ["d.txt:1: warning: UTF-8 byte order mark ignored",
                                         "d.txt:1: warning: CRLF or CR line endings read as LF"]


def test_invalid_utf8_line_is_an_error_and_other_lines_survive():
    data = HEAD + b"good one...\nbad \xff\xfe line\ngood two...\n"
    excerpts, problems = parse_dump("d.txt", data)
    assert [e.text for e in excerpts] == ["good one...", "good two..."]
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
    data = HEAD + b"ok...\n" + "长".encode() * 600_000 + b"\nok2...\n"
    excerpts, problems = parse_dump("d.txt", data)
    assert [e.text for e in excerpts] == ["ok...", "ok2..."]
    assert str(problems[0]).startswith("d.txt:5: error: line has 600,000 characters")
    assert MAX_EXCERPT_CHARS < 600_000


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
