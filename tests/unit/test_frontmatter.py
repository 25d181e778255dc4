import pytest
from hypothesis import given, settings, strategies as st

from feedsite import frontmatter


@settings(max_examples=300, deadline=None)
@given(st.text(), st.lists(st.text(max_size=20), max_size=4), st.text())
def test_any_characters_round_trip(title, tags, body):
    text = frontmatter.dump({"title": title, "tags": tags, "truncated": True}, "正文 " + body)
    fields, parts = frontmatter.parse(text)
    assert fields == {"title": title, "tags": tags, "truncated": True}
    assert parts.body.rstrip("\n") == ("正文 " + body).rstrip("\n")


def test_keys_are_written_in_a_fixed_order():
    text = frontmatter.dump({"fingerprint": "f", "extra": 1, "tags": [], "title": "t"}, "b")
    assert [l.split(":")[0] for l in text.splitlines()[1:5]] == ["title", "tags", "fingerprint", "extra"]


def test_errors_carry_the_file_line():
    with pytest.raises(frontmatter.FrontMatterError) as err:
        frontmatter.parse("---\ntitle: a\ntags: [x\n---\nbody\n")
    assert err.value.line in (3, 4)
    with pytest.raises(frontmatter.FrontMatterError) as err:
        frontmatter.parse("no fence\n")
    assert err.value.line == 1


def test_key_lines_point_into_the_file():
    _, parts = frontmatter.parse("---\ntitle: a\ntopic: b\n---\nbody\n")
    assert frontmatter.key_lines(parts) == {"title": 2, "topic": 3}
    assert parts.body_line == 5
