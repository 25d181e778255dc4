"""The search index: text folding, what is indexed, and the files written."""
from __future__ import annotations

import dataclasses
import json

import pytest
from conftest import CONTENT
from hypothesis import given
from hypothesis import strategies as st
from searchref import reference_articles

from feedsite.build.bodies import render_bodies
from feedsite.build.content import load_articles
from feedsite.build.markdown import render_markdown, same_title
from feedsite.build.pipeline import BuildState
from feedsite.build.searchindex import (
    COUNT_SHIFT,
    DATA_DIR,
    END_DIGITS,
    IN_TAG,
    IN_TITLE,
    MORE_DIGITS,
    TARGET_SHARD_BYTES,
    fnv1a,
    search_files,
    shard_count,
)
from feedsite.build.searchtext import (
    FORMULA,
    body_text,
    fold,
    fold_table,
    grams,
    index_keys,
    runs,
    search_docs,
)
from feedsite.build.taxonomy import index_site
from feedsite.urls import Urls


def test_fold_is_nfkc_then_case_folding():
    assert fold("ＬｅｅｔＣｏｄｅ（ROPE）") == "leetcode(rope)"
    assert fold("Straße ﬁ Σίσυφος") == "strasse fi σίσυφοσ"
    assert fold("①㈱") == "1(株)"
    # A hyphen joining two letters or digits is dropped (the dumps lost most of theirs),
    # any other stays.
    assert fold("Multi-Token R‐CNN GPT-3 a - b x-- -y 扩散-model") == "multitoken rcnn gpt3 a - b x-- -y 扩散model"
    table = fold_table()
    assert table["ß"] == "ss" and table["ς"] == "σ"
    assert "A" not in table and "ſ" not in table  # lower-cased by the browser; NFKC turns ſ into s


def test_runs_are_letters_and_digits_of_any_script():
    assert runs(fold("GPT 3 与 LLaMA2,位置编码(RoPE)")) == ["gpt", "3", "与", "llama2", "位置编码", "rope"]
    assert grams("滑动窗口") == ["滑动", "动窗", "窗口"]
    assert grams("a b") == []


def test_a_lone_letter_is_listed_when_it_is_not_ascii():
    """熵 or 栈 is a Chinese word of one character, with no bigram to look up; a lone
    Latin letter or digit is not listed (it would match nearly everything)."""
    assert index_keys("交叉熵 k 栈 é7") == ["交叉", "叉熵", "é7", "交", "叉", "熵", "栈", "é"]
    assert index_keys("a b") == [] and index_keys("x" + FORMULA) == []


@given(st.text(alphabet="滑动窗口最大值位置编码 ropeRoPE-,。\n1é", max_size=40), st.data())
def test_a_substring_has_no_bigram_its_text_lacks(text, data):
    """Why bigrams give full recall: any substring's bigrams are among its text's."""
    folded = fold(text)
    start = data.draw(st.integers(0, len(folded)))
    end = data.draw(st.integers(start, len(folded)))
    assert set(grams(folded[start:end])) <= set(grams(folded))


def test_body_text_keeps_prose_and_headings_but_no_math_or_markers():
    body = ("## 位置编码\n\n旋转 \\(e^{i\\theta}\\) 与 \\[\\frac{a}{b}\\] 之后 [Math] 与 [公式] 还有 `a<b` 代码。\n\n"
            "- 列表项\n- 第二项\n\n截断的 \\(x_1 + y")
    text = body_text(render_markdown(body).html)
    f = FORMULA
    assert text.split("\n") == ["位置编码", f"旋转 {f} 与 {f} 之后 {f} 与 {f} 还有 a<b 代码。", "列表项", "第二项",
                                 f"截断的 {f}"]
    # A formula's place ends a run as a space does: no gram spans it.
    assert grams(fold(text)) == grams(fold(text.replace(f, " ")))
    assert runs(fold("a" + f + "b")) == ["a", "b"]


@pytest.fixture(scope="module")
def corpus(config):
    config = dataclasses.replace(config, content_dir=CONTENT)
    articles, problems = load_articles(config, "content")
    assert not [p for p in problems if p.severity == "error"]
    index = index_site(config, articles)
    rendered = render_bodies(index.articles, BuildState())
    return index, search_docs(index, rendered, Urls(config.base_path))


def decode(postings: str) -> list[tuple[int, int]]:
    """The postings format as searchindex.py documents it, read independently."""
    numbers, n, shift = [], 0, 0
    for c in postings:
        if c in MORE_DIGITS:
            n += MORE_DIGITS.index(c) << shift
            shift += 5
        else:
            numbers.append(n + (END_DIGITS.index(c) << shift))
            n, shift = 0, 0
    out, doc = [], -1
    for gap, value in zip(numbers[::2], numbers[1::2], strict=True):
        doc += gap + 1
        out.append((doc, value))
    return out


def test_every_bigram_lists_exactly_the_articles_holding_it(corpus):
    index, docs = corpus
    files = search_files(docs)
    meta = json.loads(files[f"{DATA_DIR}/meta.json"])
    assert meta["docs"] == len(docs) == len(index.articles)
    shards = meta["shards"]
    assert shards & (shards - 1) == 0  # a power of two
    lists = {}
    for k in range(shards):
        for gram, postings in json.loads(files[f"{DATA_DIR}/t/{k}.json"]).items():
            assert fnv1a(gram) % shards == k, gram
            lists[gram] = dict(decode(postings))
    expected: dict[str, dict[int, int]] = {}
    def keys(text):  # every bigram, and every letter above ASCII alone
        return grams(text) + [c for run in runs(text) for c in run if ord(c) > 127]

    for i, doc in enumerate(docs):
        for g in keys(fold(doc.body)):
            expected.setdefault(g, {}).setdefault(i, 0)
            expected[g][i] += 1 << COUNT_SHIFT
        for g in set(keys(fold(doc.title))):
            expected.setdefault(g, {}).setdefault(i, 0)
            expected[g][i] |= IN_TITLE
        for g in {g for t in doc.tags for g in keys(fold(t))}:
            expected.setdefault(g, {}).setdefault(i, 0)
            expected[g][i] |= IN_TAG
    assert lists == expected
    assert len(lists) > 1000
    assert sum(len(g) == 1 for g in lists) > 500  # the lone characters are there


def test_each_article_record_is_what_results_show(corpus, config):
    index, docs = corpus
    files = search_files(docs)
    refs = {r.slug: r for r in reference_articles(CONTENT)}
    headings = 0
    for i, article in enumerate(index.articles):
        record = json.loads(files[f"{DATA_DIR}/d/{i}.json"])
        assert record["u"] == f"/articles/{article.slug}/"
        assert record["t"] == article.title and record["g"] == list(article.tags)
        assert record["p"] == config.topic(article.topic).name
        # The body as a reader sees it: every heading of the source (the one that says
        # the title again is shown, and searched, as the title), and no TeX.
        assert "\\(" not in record["b"] and "\\[" not in record["b"]
        assert "[Math]" not in record["b"] and "[公式]" not in record["b"]
        for line in refs[article.slug].prose.split("\n"):
            if line.startswith("#"):
                text = line.lstrip("#").strip().replace("\\", "")
                assert text in record["b"].split("\n") or same_title(text, record["t"]), line
                headings += 1
    assert headings, "the corpus has no headings: the check above is vacuous"


def test_index_is_deterministic_and_versioned(corpus):
    _, docs = corpus
    first, second = search_files(docs), search_files(list(docs))
    assert first == second
    changed = search_files([*docs[:-1], docs[-1].__class__(**{**docs[-1].__dict__, "body": "新词"})])
    version = lambda files: json.loads(files[f"{DATA_DIR}/meta.json"])["version"]  # noqa: E731
    assert version(changed) != version(first)


def test_shards_grow_with_the_index():
    assert shard_count(0) == 1
    assert shard_count(TARGET_SHARD_BYTES) == 1
    assert shard_count(TARGET_SHARD_BYTES * 10) == 16


def test_the_code_table_is_varint_of_every_number_below_its_size():
    """encode looks small numbers up instead of calling varint: the table, built a digit
    position at a time, must hold exactly what varint writes (search.js reads it back)."""
    from feedsite.build.searchindex import _codes, varint
    table = _codes()
    assert len(table) == 1 << 15 and table == [varint(n) for n in range(1 << 15)]
