import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _pyyaml(fields: dict) -> str:
    return frontmatter.yaml.dump(fields, Dumper=frontmatter._Dumper, allow_unicode=True,
                                 sort_keys=False, default_flow_style=False, width=10_000)


TRICKY = st.lists(st.sampled_from(["1", "0", "0x", "0o", "2024-01-01", ":", " ", "a", "Yes", "null", "-",
                                   ".", "~", "e5", "#", "中", "'", ",", "_", "12:30", "inf", "0b1",
                                   "1_000", "+", "/", "(", "\u00a0", "\u3000", "\t", "?", "!", "[", "]",
                                   "{", "}", "\"", "&", "*", "%", "@", "`", "|", ">", "=", " #"]),
                   max_size=6).map("".join)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(TRICKY, st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)))
def test_fast_writer_agrees_with_pyyaml_whenever_it_answers(text):
    fields = {"title": text, "tags": [text, "扩散模型"], "truncated": False, "lost_formulas": 3}
    fast = frontmatter._fast_yaml(fields)
    if fast is not None:
        assert fast == _pyyaml(fields)
        assert frontmatter.yaml.safe_load(fast) == fields


def test_fast_writer_handles_every_real_file():
    from conftest import CONTENT
    answered = 0
    for path in CONTENT.glob("*.md"):
        fields, _ = frontmatter.parse(path.read_text(encoding="utf-8"))
        fast = frontmatter._fast_yaml(fields)
        if fast is not None:
            answered += 1
            assert fast == _pyyaml(fields)
    assert answered >= 30  # the fast path is the common case, not a curiosity


KEYS = st.sampled_from(["title", "tags", "sources", "yes", "on", "null", "a_b", "title", "x"])
LINES = st.one_of(
    st.tuples(KEYS, st.one_of(TRICKY, st.text(max_size=12))).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    KEYS.map(lambda k: f"{k}:"), KEYS.map(lambda k: f"{k}: []"),
    st.one_of(TRICKY, st.text(max_size=12)).map(lambda v: f"- {v}"),
    st.one_of(TRICKY, st.text(max_size=12)))


@settings(max_examples=3000, deadline=None)
@given(st.lists(LINES, max_size=6).map("\n".join))
def test_fast_reader_agrees_with_pyyaml_whenever_it_answers(yaml_text):
    fast = frontmatter._fast_load(yaml_text)
    if fast is None:
        return
    for loader in (frontmatter.yaml.SafeLoader, frontmatter._SafeLoader):
        loaded = frontmatter.yaml.load(yaml_text, Loader=loader)
        assert (loaded if loaded is not None else {}) == fast
        assert [type(v) for v in (loaded or {}).values()] == [type(v) for v in fast.values()]


def test_fast_reader_reads_every_real_file():
    from conftest import CONTENT
    for path in CONTENT.glob("*.md"):
        parts = frontmatter.split(path.read_text(encoding="utf-8"))
        assert frontmatter._fast_load(parts.yaml_text) == frontmatter.yaml.safe_load(parts.yaml_text)
