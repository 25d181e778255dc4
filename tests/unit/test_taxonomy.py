from feedsite.build.content import Article, parse_article
from feedsite.build.length import reading_length
from feedsite.build.taxonomy import cloud_weight, index_site, pinyin_key


def article(slug, topic="algorithms", tags=(), sources=(), date=""):
    return Article(slug=slug, title=slug, topic=topic, tags=tuple(tags), date=date, summary="",
                   sources=tuple(sources), truncated=False, body="正文", path=f"content/{slug}.md",
                   body_line=10)


def test_cloud_weight_is_logarithmic_and_bounded():
    assert cloud_weight(1, 1, 100) == 1 and cloud_weight(100, 1, 100) == 5
    assert cloud_weight(10, 1, 100) == 3  # the middle of a log scale, not 10% of the way
    assert cloud_weight(4, 4, 4) == 3


def test_tags_sort_by_pinyin_and_know_their_articles(config):
    site = index_site(config, [article("a", tags=["扩散模型", "RoPE"]), article("b", tags=["扩散模型", "哈希表"])])
    assert [t.name for t in site.tags] == ["哈希表", "扩散模型", "RoPE"]  # ha, kuo, rope
    assert site.tag("扩散模型").articles == ("b", "a")
    assert site.tag("扩散模型").weight == 5 and site.tag("RoPE").weight == 1
    assert pinyin_key("银行")[0] == "yin hang"


def test_latest_first_by_date_then_newest_dump(config):
    site = index_site(config, [
        article("old", sources=["feeds/000.txt:4"]), article("new", sources=["feeds/004.txt:9"]),
        article("top", sources=["feeds/004.txt:4"]), article("dated", date="2026-05-01")])
    assert [a.slug for a in site.articles] == ["dated", "top", "new", "old"]


def test_related_and_neighbours(config):
    site = index_site(config, [
        article("x", tags=["A", "B"], sources=["f:3"]), article("y", tags=["A", "B"], sources=["f:2"]),
        article("z", tags=["A"], topic="ml-fundamentals", sources=["f:1"])])
    around = site.neighbours_of("x")
    assert around.related == ("y", "z")
    assert (around.previous, around.next) == (None, "y")  # y is newer; nothing older


def test_reading_time_counts_chinese_by_characters():
    assert reading_length("字" * 400).minutes == 1
    assert reading_length("word " * 400).minutes == 2
    assert reading_length("字" * 300 + " RoPE 与 Attention").chars == 303


def test_front_matter_errors_name_the_line(config):
    text = "---\ntitle: t\ntopic: algorithms\ntags: [a]\ncolour: red\ntruncated: maybe\n---\nbody\n"
    article, problems = parse_article("content/t.md", text, config)
    assert article is None
    assert [str(p) for p in problems] == [
        "content/t.md:5: error: unknown front matter key 'colour' (known: title, slug, topic, tags, "
        "date, summary, sources, truncated, lost_formulas, cut_formulas, id, fingerprint, aliases, status, "
        "title_source)",
        "content/t.md:6: error: 'truncated' must be true or false"]
