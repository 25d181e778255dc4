"""The hand-edit rules of the content store, in memory: which file an article goes
to, which fields a person's edit keeps, and what is written where."""
from __future__ import annotations

import dataclasses
import pickle
from dataclasses import replace
from pathlib import Path

from conftest import FEEDS

from feedsite import frontmatter
from feedsite.cache import open_store
from feedsite.extract.cache import FILE, TABLES, Memo
from feedsite.extract.drafts import Generated
from feedsite.extract.filetext import render, update
from feedsite.extract.fingerprint import EDITABLE, edited_fields, fingerprint, parse
from feedsite.extract.remembered import _as_rendered, _foreseen, remember
from feedsite.extract.store import Existing, match_files, packed_entry, parsed_file, plan, update_key

CONTENT = Path("/site/content")


def generated(id_="a1", title="旋转式位置编码", body="正文。", sources=("feeds/a.txt:4",), **kw) -> Generated:
    values = dict(id=id_, title=title, topic="llm", tags=("RoPE", "Transformer"), body=body,
                  sources=tuple(sources), truncated=True, lost_formulas=0, first_seen=sources[0])
    values.update(kw)
    return Generated(**values)


def existing_from(text: str, name: str = "rope.md") -> Existing:
    fields, parts = frontmatter.parse(text)
    return Existing(CONTENT / name, fields, parts.body, fields.get("id"),
                    frozenset(fields.get("sources") or []), text)


def edited_copy(gen: Generated, slug: str = "rope", **changes) -> Existing:
    fields, parts = frontmatter.parse(render(gen, slug))
    body = changes.pop("body", parts.body)
    fields.update(changes)
    return existing_from(frontmatter.dump(fields, body), f"{slug}.md")


def test_the_fingerprint_has_one_hash_per_editable_field():
    gen = generated()
    stored = parse(gen.fingerprint)
    assert list(stored) == list(EDITABLE) and all(len(h) == 8 for h in stored.values())
    assert parse("title:1 topic:2") is None and parse(None) is None
    assert edited_fields(gen.fingerprint, gen.editable()) == frozenset()
    assert edited_fields(None, gen.editable()) == frozenset(EDITABLE)  # no fingerprint: all theirs


def test_an_untouched_file_follows_the_dumps_entirely():
    old = edited_copy(generated())
    assert old.edited == frozenset()
    new = generated(body="更长的正文。", sources=("feeds/a.txt:4", "feeds/b.txt:9"), truncated=False)
    fields, parts = frontmatter.parse(update(old, new))
    assert parts.body.strip() == "更长的正文。" and fields["truncated"] is False
    assert fields["sources"] == ["feeds/a.txt:4", "feeds/b.txt:9"]
    assert fields["fingerprint"] == fingerprint(new.editable())


def test_an_edited_field_is_kept_and_stays_marked_while_the_rest_update():
    old = edited_copy(generated(), title="RoPE 笔记", tags=["RoPE"])
    assert old.edited == frozenset({"title", "tags"})
    new = generated(body="更长的正文。", sources=("feeds/b.txt:9",))
    fields, parts = frontmatter.parse(update(old, new))
    assert (fields["title"], fields["tags"], parts.body.strip()) == ("RoPE 笔记", ["RoPE"], "更长的正文。")
    assert fields["sources"] == ["feeds/b.txt:9"]
    again = existing_from(update(old, new))
    assert again.edited == frozenset({"title", "tags"})  # the next run keeps them too


def test_a_file_without_fingerprint_is_kept_whole_and_keys_a_person_added_stay():
    fields, parts = frontmatter.parse(render(generated(), "rope"))
    del fields["fingerprint"]
    fields["summary"] = "我写的摘要"
    old = existing_from(frontmatter.dump(fields, "我手写的正文。"))
    out, _ = frontmatter.parse(update(old, generated(body="机器的新正文。")))
    assert out["summary"] == "我写的摘要" and "fingerprint" not in out
    assert frontmatter.parse(update(old, generated(body="机器的新正文。")))[1].body.strip() == "我手写的正文。"


def test_files_are_matched_by_id_then_by_a_shared_source_and_claimed_once():
    by_id = edited_copy(generated("a1"), slug="one")
    lost_id = existing_from(render(generated("zz", sources=("feeds/b.txt:2",)), "two").replace("id: zz\n", ""),
                            "two.md")
    matches = match_files([generated("a1"), generated("b2", sources=("feeds/b.txt:2",)),
                           generated("c3", sources=("feeds/b.txt:2",))], [by_id, lost_id])
    assert matches == {"a1": by_id, "b2": lost_id}


def test_plan_writes_new_files_keeps_slugs_and_dedupes_titles():
    # A person renamed a1 to what the machine now infers for a new article, b2.
    old = edited_copy(generated("a1", title="RoPE"), slug="old-slug", title="旋转式位置编码")
    writes, problems = plan([generated("a1", title="RoPE"), generated("b2", title="旋转式位置编码",
                                                                       sources=("feeds/c.txt:7",))],
                            [old], CONTENT)
    assert [(w.path.name, w.status) for w in writes] == [("old-slug.md", "kept-unchanged"),
                                                         ("xuan-zhuan-shi-wei-zhi-bian-ma-2.md", "new")]
    assert [str(p) for p in problems] == [
        "feeds/c.txt:7: warning: title '旋转式位置编码' is also inferred for an existing file; "
        "using '旋转式位置编码 (2)'"]


def _memo(folder: Path) -> Memo:
    store, why = open_store(folder, "test", FILE, TABLES)
    assert store is not None, why
    return Memo(store)


def test_a_cached_plan_is_reused_only_for_the_same_file_name_text_and_article(tmp_path):
    """The `updates` key covers all that `update` reads: a file without a slug is named
    after its file, and `made_from` stands for the article's derived fields."""
    gen = generated()
    fields, parts = frontmatter.parse(render(gen, "rope"))
    del fields["slug"]
    text = frontmatter.dump(fields, parts.body)
    memo = _memo(tmp_path)
    plan([gen], [existing_from(text, "rope.md")], CONTENT, memo, {"a1": "k1"})
    memo.save()
    memo = _memo(tmp_path)
    cases = [("rope.md", "k1", gen), ("moved.md", "k1", gen),
             ("rope.md", "k2", generated(tags=("RoPE",)))]
    for name, made_from, article in cases:
        cached, _ = plan([article], [existing_from(text, name)], CONTENT, memo, {"a1": made_from})
        uncached, _ = plan([article], [existing_from(text, name)], CONTENT)
        assert cached[0].text == uncached[0].text
    assert len(memo.puts["updates"]) == 2  # the first case was found, the others were not
    memo.close()


def test_a_file_written_is_planned_by_the_next_run_without_rendering(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    gen = generated()
    memo = _memo(tmp_path)
    writes, _ = plan([gen], [], content, memo, {"a1": "k1"})
    writes[0].path.write_text(writes[0].text, encoding="utf-8")
    remember(writes, memo)
    memo.save()
    memo = _memo(tmp_path)
    found = replace(existing_from(writes[0].text), path=writes[0].path)
    again, _ = plan([gen], [found], content, memo, {"a1": "k1"})
    assert [(w.status, w.text) for w in again] == [("unchanged", writes[0].text)]
    assert not memo.puts["updates"]
    memo.close()


def test_peek_reads_rows_without_locks_and_gives_nothing_for_what_it_cannot_trust(tmp_path):
    """cache.peek, the look before the output's lock: the rows of its version, and {}
    for another version, a torn row, a file that is not a store, or no file at all."""
    import pickle
    import sqlite3

    from feedsite.cache import peek

    store, why = open_store(tmp_path, "v1", "s.sqlite", ())
    assert store is not None, why
    store.write({"meta": {"unchanged": ("stamp", "public"), "config": ("key", "site")}})
    store.close()  # the last connection's close moves the WAL into the file, as a build's does
    writer = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a write under way does not hold the peek up
    writer.execute("UPDATE meta SET v = ? WHERE k = 'config'", (pickle.dumps("uncommitted"),))
    assert peek(tmp_path, "s.sqlite", "v1", ("unchanged", "config")) == {
        "unchanged": ("stamp", "public"), "config": ("key", "site")}
    writer.execute("ROLLBACK")
    assert peek(tmp_path, "s.sqlite", "v2", ("unchanged",)) == {}
    writer.execute("UPDATE meta SET v = ? WHERE k = 'unchanged'", (b"\x80\x05\x95torn",))
    writer.close()
    assert peek(tmp_path, "s.sqlite", "v1", ("unchanged",)) == {}
    (tmp_path / "not.sqlite").write_bytes(b"not a database\0" * 100)
    assert peek(tmp_path, "not.sqlite", "v1", ("unchanged",)) == {}
    assert peek(tmp_path / "none", "s.sqlite", "v1", ("unchanged",)) == {}


def _real_articles(config) -> list[Generated]:
    from feedsite.errors import Report
    from feedsite.extract.drafts import Analysis, generate_all, merge
    from feedsite.extract.pipeline import discover_dumps, read_dumps
    from feedsite.progress import Progress

    report = Report()
    excerpts = read_dumps(discover_dumps([FEEDS], report), report, Memo(), Progress())
    drafts = merge(excerpts)
    return generate_all(drafts, Analysis(config, drafts))


def _foreseen_by_parsing(write) -> tuple:
    """What remembering a written file keeps, worked out the long way: parsing it back."""
    found = parsed_file(write.path, write.text)
    text = update(found, write.article)
    return (packed_entry(found)[:-1], update_key(found, write.article, write.made_from),
            text if text != found.text else None), found.edited


def test_a_new_file_is_remembered_as_parsing_it_back_would_give(config, tmp_path):
    """`remember` builds a new file's cache entry from the values `render` wrote instead
    of parsing the file: on every real article, and on titles and tags that YAML must
    quote or would read as another type, the two agree."""
    tricky = [generated(id_=f"t{k}", title=title, tags=tags, sources=(f"feeds/t.txt:{k}",))
              for k, (title, tags) in enumerate([
                  ("123", ("1", "true")), ("yes", ("null", "~")), ("a: b", ("- x", "#c")),
                  ("'引号' \"双引号\"", ("[列表]", "{映射}")), (" 前后空格 ", ("RoPE ",)),
                  ("2024-01-01", ("0x1F", "1e3")), ("：全角冒号", ("",))])]
    articles = _real_articles(config) + tricky
    writes, _ = plan(articles, [], tmp_path, Memo(), {g.id: f"k-{g.id}" for g in articles})
    assert len(writes) == len(articles) > 40 and {w.status for w in writes} == {"new"}
    for write in writes:
        packed, key, text = _foreseen(write)
        (want_packed, want_key, want_text), want_edited = _foreseen_by_parsing(write)
        # Sources are kept as a set: their order in the tuple is the set's, not the file's.
        # The front matter is kept pickled: the values it gives back are compared.
        assert (pickle.loads(packed[0]), packed[1:4], set(packed[4]), packed[5:], key, text) == \
            (pickle.loads(want_packed[0]), want_packed[1:4], set(want_packed[4]), want_packed[5:],
             want_key, want_text), write.path
        assert _as_rendered(write) == parsed_file(write.path, write.text) and packed[5] == want_edited


def test_field_hashes_are_remembered_only_where_equal_values_hash_alike():
    """Hashes of text values are memoized; True == 1 == 1.0 would share a memo entry
    though YAML writes them apart, so values a person may write are never memoized."""
    from feedsite.extract.fingerprint import field_hash

    assert len({field_hash("title", v) for v in ("1", 1, True, 1.0)}) == 4
    assert len({field_hash("tags", v) for v in (["1"], [1], [True], [1.0])}) == 4
    assert field_hash("tags", ["RoPE", "LLM"]) == field_hash("tags", ("RoPE", "LLM"))
    assert field_hash("body", "正文。\n") == field_hash("body", "正文。")


def test_a_cached_file_gives_back_what_parsing_it_gives(config, tmp_path):
    """A file the cache kept (`Remembered`) unpickles its front matter only when asked; it
    then equals the file parsed afresh, on every real article, and a front matter that no
    longer unpickles is parsed again from the kept text, never an error."""
    from feedsite.extract.store import Remembered
    as_fields = lambda e: [getattr(e, f.name) for f in dataclasses.fields(Existing)]  # noqa: E731
    articles = _real_articles(config)
    writes, _ = plan(articles, [], tmp_path, Memo(), {})
    retired = parsed_file(tmp_path / "r.md", writes[0].text.replace("\nid: ", "\nstatus: retired\nid: ", 1))
    for found in [parsed_file(w.path, w.text) for w in writes] + [retired]:
        kept = Remembered(found.path, packed_entry(found))
        assert "fields" not in kept.__dict__
        assert (kept.parsed, kept.status, kept.edited, kept.digest) == \
            (True, found.status, found.edited, found.digest)
        assert "fields" not in kept.__dict__  # none of those unpickled it
        assert as_fields(kept) == as_fields(found) and kept.values() == found.values()
        spoilt = Remembered(found.path, (b"\x80\x05not a pickle", *packed_entry(found)[1:]))
        assert spoilt.fields == found.fields and spoilt.body == found.body
    assert retired.status == "retired"
