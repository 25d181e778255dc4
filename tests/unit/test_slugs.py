import re

from feedsite.slugs import MAX_SLUG, slugify_title, unique_slug


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
