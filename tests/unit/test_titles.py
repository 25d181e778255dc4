from conftest import real_excerpt_lines

from feedsite.extract.titles import MAX_TITLE, UNTITLED, infer_title, is_section_word

TITLES = [infer_title(line) for line in real_excerpt_lines()]


def test_real_titles_are_short_readable_and_never_bare_section_words():
    for title in TITLES:
        assert 0 < len(title) <= MAX_TITLE
        assert not is_section_word(title)
        assert title == title.strip() and "  " not in title


def test_real_titles_are_unique():
    assert len(set(TITLES)) == len(TITLES) == 40


def test_known_titles():
    for expected in ("76. 最小覆盖子串", "129. 滑动窗口最大值", "11. 盛最多水的容器",
                     "旋转式位置编码(ROPE)", "Diffusion Models from SDE", "Flowbased Models",
                     "Self-Supervised Learning", "什么是Word2Vec和Embeddings?", "搜索引擎概述",
                     "深度学习偏置的作用?", "如何计算RF", "取代RNN——Transformer"):
        assert expected in TITLES


def test_leading_section_words_are_skipped():
    assert infer_title("引言 Diffusion模型近年来在图像生成这一连续域任务中取得了显著成果,展现") == \
        "Diffusion模型近年来在图像生成这一连续域任务中取得了显著成果"
    assert infer_title("概述 Medusa 是自投机领域较早的一篇工作,对后续") == "Medusa 是自投机领域较早的一篇工作"
    assert infer_title("引言") == UNTITLED


def test_a_too_short_first_clause_takes_the_next():
    assert infer_title("一般来说,神经网络处理的东西都是连续的浮点数,标准") == "一般来说,神经网络处理的东西都是连续的浮点数"


def test_long_openings_are_cut_at_a_word_with_an_ellipsis():
    title = infer_title("the machine predicts any parts of its input for any observed part 这是")
    assert title == "the machine predicts any parts of its…" and len(title) <= MAX_TITLE


def test_math_is_not_put_into_titles():
    assert infer_title(r"\[\frac{a}{b}\] 其后是正文,很长的一句话") == "其后是正文,很长的一句话"
