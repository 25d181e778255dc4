import re

from conftest import CONTENT
from hypothesis import given
from hypothesis import strategies as st

from feedsite.slugs import MAX_SLUG, pinyin_of, slugify_title, unique_slug


def test_pinyin_and_latin_words():
    assert slugify_title("旋转式位置编码(ROPE)") == "xuan-zhuan-shi-wei-zhi-bian-ma-rope"
    assert slugify_title("76. 最小覆盖子串") == "76-zui-xiao-fu-gai-zi-chuan"
    assert slugify_title("银行") == "yin-hang"  # heteronym read in context


def test_path_like_titles_cannot_escape():
    for title in ("../../x", "..\\x", "/etc/passwd", "C:\\x", "..", "???"):
        slug = slugify_title(title)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug


def test_long_titles_are_cut_at_a_syllable():
    slug = slugify_title("基于文章 《Elucidating the Design Space of Diffusion-Based Generative Models》")
    assert len(slug) <= MAX_SLUG and slug.endswith("-of-diffusion")


def test_unique_slug_numbers_collisions_within_the_limit():
    base = "a" * 60
    assert unique_slug("x", {"x", "x-2"}) == "x-3"
    assert len(unique_slug(base, {base})) <= MAX_SLUG


# Han characters with several readings, whose reading depends on the word around them.
_MIXED = st.text(alphabet="银行长重庆音乐会行走模型的原理变体 BERTRoPE0123-()(),。:、·〇々", max_size=30)


@given(_MIXED)
def test_pinyin_run_by_run_is_pypinyins_own_reading(title):
    from pypinyin import lazy_pinyin

    assert pinyin_of(title) == lazy_pinyin(title)


def test_every_real_title_reads_as_pypinyin_reads_it():
    from pypinyin import lazy_pinyin

    titles = [line.removeprefix("title: ") for path in sorted(CONTENT.glob("*.md"))
              for line in path.read_text(encoding="utf-8").split("\n") if line.startswith("title: ")]
    assert len(titles) >= 40
    for title in titles:
        assert pinyin_of(title) == lazy_pinyin(title), title
