"""What the reader is told about an article: its length, its sources, a tag page's summary."""
import pytest

from feedsite.build.length import Length, reading_length
from feedsite.build.views import describe_source, tag_description


@pytest.mark.parametrize("minutes, said", [(0.0, "不到 1 分钟"), (0.99, "不到 1 分钟"), (1.0, "约 1 分钟"),
                                           (1.49, "约 1 分钟"), (1.5, "约 2 分钟"), (7.2, "约 7 分钟")])
def test_reading_time_says_less_than_a_minute_instead_of_rounding_up(minutes, said):
    assert Length(0, minutes).reading == said


def test_length_of_a_real_excerpt():
    body = "旋转式位置编码(ROPE) 原始的Sinusoidal位置编码总的感觉是一种“想要成为相对位置编码的绝对位置编码”。"
    length = reading_length(body)
    # 38 Han characters plus the words ROPE and Sinusoidal.
    assert (length.chars, length.reading) == (40, "不到 1 分钟")
    assert reading_length("字" * 1000).reading == "约 3 分钟"


@pytest.mark.parametrize("raw, label", [
    ("feeds/000_9609b70de3c4ed0b.txt:4", "第 000 号转储，第 4 行"),
    ("feeds/004_8138c37ddb911598.txt:15", "第 004 号转储，第 15 行"),
    ("feeds/extra/notes.txt:7", "转储 notes.txt，第 7 行"),
    ("feeds/000_9609b70de3c4ed0b.txt", "第 000 号转储"),
])
def test_sources_in_plain_words_keep_the_raw_reference(raw, label):
    source = describe_source(raw)
    assert (source.label, source.raw) == (label, raw)


def test_tag_description_names_the_articles_and_stays_short():
    assert tag_description("RoPE", ["旋转式位置编码(ROPE)", "位置编码"]) == \
        "标签「RoPE」下的 2 篇笔记：旋转式位置编码(ROPE)、位置编码。"
    long = tag_description("LLM", [f"第{i}篇很长很长的标题" for i in range(40)])
    assert len(long) <= 150 and long.endswith("…") and long.startswith("标签「LLM」下的 40 篇笔记：")
