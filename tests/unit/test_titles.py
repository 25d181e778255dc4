import re

from conftest import CORPUS_CONFIG, FEEDS, real_excerpt_lines

from feedsite.config import load_config
from feedsite.extract.drafts import Analysis, Draft, generate, merge
from feedsite.extract.dumps import parse_dump
from feedsite.extract.titles import MAX_TITLE, SOURCES, infer_title, is_section_word, is_title_form

CONFIG = load_config(CORPUS_CONFIG)


def real_drafts():
    excerpts = []
    for dump in sorted(FEEDS.glob("*.txt")):
        excerpts += parse_dump(f"feeds/{dump.name}", dump.read_bytes())[0]
    return merge(excerpts)


DRAFTS = real_drafts()
ANALYSIS = Analysis(CONFIG, DRAFTS)
GENERATED = [generate(d, ANALYSIS) for d in DRAFTS]
TITLES = {g.title: g for g in GENERATED}

# A reader's verdict: the word each article's title must name, keyed by the excerpt's opening.
READER_SUBJECTS = {
    "旋转式位置编码": "位置编码", "不同于RNN、CNN": "位置编码", "76. 最小覆盖子串": "最小覆盖子串",
    "129. 滑动窗口最大值": "滑动窗口最大值", "这是一篇尝试改变LLM": "Diffusion", "引言 Diffusion模型": "Diffusion",
    "💡 扩散模型:通过加噪": "DDPM", "基于文章 《Elucidating": "扩散模型框架", "💡 原本随机采样": "ODE",
    "DDPM 有一个非常明显": "DDIM", "Diffusion Models from SDE": "SDE", "💡 Flowbased": "Flow",
    "简介 如果以概率": "生成模型", "研究对象与基本设定": "链式法则", "the machine predicts": "自监督",
    "引言与背景 FlashAttention": "FlashAttention", "给定一个包含 n 维": "MNIST", "通常我们训练": "混合精度",
    "概述 Medusa": "Medusa", "概述 MTP": "MTP", "概述 投机解码": "投机解码", "1.深度学习偏置": "偏置",
    "一般来说,神经网络": "正确率", "如何计算RF": "RF", "简介 之前的很多方法": "Transfomer",
    "最近,似乎": "激活函数", "取代RNN": "Transformer", "在正式介绍之前": "pyramid", "在深度学习目标检测中": "小目标",
    "简介 \"Anchorfree\"": "Anchorfree", "YOLO的核心思想": "YOLO", "在电商搜索中": "query推荐",
    "1. 搜索引擎概述": "搜索引擎", "精排是用pointwise": "重排", "11. 盛最多水的容器": "盛最多水的容器",
    "文章从连续情形出发": "重参数", "Self-Supervised Learning": "BERT", "Tokenizer": "Tokenizer",
    "什么是Word2Vec": "Word2Vec", "RNN 概述": "RNN",
}


def test_forty_real_titles_obey_the_form_rules():
    assert len(GENERATED) == 40
    for gen in GENERATED:
        title = gen.title
        assert is_title_form(title), title
        assert 0 < len(title) <= MAX_TITLE and title.count("(") == title.count(")")
        assert not re.search(r"[,,。;;\uff0c\uff1b]", title), title
        assert not title.endswith(("…", "...", "的", "是")), title
        assert re.sub(r"^\d+\. ", "", title).count(".") == 0 or "." not in title[3:], title
        assert not is_section_word(title)
        assert gen.title_source in SOURCES


def test_real_titles_are_unique():
    assert len(TITLES) == 40


def test_every_real_title_names_what_a_reader_says_the_article_is_about():
    for gen in GENERATED:
        text = next(d.text for d in DRAFTS if d.id == gen.id)
        key = max((k for k in READER_SUBJECTS if text.startswith(k)), key=len)
        assert READER_SUBJECTS[key].casefold() in gen.title.casefold(), (gen.title, key)


def test_most_titles_come_from_the_text_not_from_keywords():
    sources = [g.title_source for g in GENERATED]
    assert sources.count("keywords") <= 8
    assert sources.count("opening") >= 12


def test_an_opening_title_phrase_is_used_as_it_stands():
    for expected in ("76. 最小覆盖子串", "旋转式位置编码(ROPE)", "Diffusion Models from SDE",
                     "什么是Word2Vec和Embeddings?", "搜索引擎概述", "深度学习偏置的作用?"):
        assert TITLES[expected].title_source == "opening"


def title_of(text: str, *others: str):
    drafts = [Draft(t, (f"x.txt:{i}",), str(i)) for i, t in enumerate([text, *others])]
    analysis = Analysis(CONFIG, drafts)
    return infer_title(text, analysis.collection.terms(text), analysis.vocabulary)


OTHERS = real_excerpt_lines()


def test_a_paper_the_text_is_about_gives_the_title():
    title = title_of("这是一篇介绍新模型的文章:它很有意思。 论文: [2401.00001] Sparse Mixture Models 背景 很多模型都很大。",
                     *OTHERS)
    assert (title.text, title.source) == ("Sparse Mixture Models", "paper")


def test_an_aim_statement_gives_the_title():
    title = title_of("精排是打分的一步,对候选商品打分。但精排还不够。本文从三方面梳理重排的一般方法:第一,重排更精准。重排很重要,重排也难。", *OTHERS)
    assert (title.text, title.source) == ("重排的一般方法", "sentence")


def test_a_definite_subject_gives_the_title():
    title = title_of("YOLO的核心思想就是利用整张图作为网络的输入,YOLO直接回归框的位置。YOLO很快。", *OTHERS)
    assert title.text == "YOLO的核心思想"


def test_a_purpose_clause_names_the_method_and_what_it_is_for():
    title = title_of("DDPM 有一个问题:采样很慢。 为了加速 DDPM 的采样过程,DDIM 在不利用马尔可夫假设的情况下推导出反向过程。"
                     "DDIM 很快,DDIM 也准。", *OTHERS)
    assert title.text == "DDIM\uff1a加速 DDPM 的采样过程"


def test_keyword_titles_are_phrases_too():
    title = title_of("一般来说,这里讲正确率。正确率不可导,正确率也是离散的,所以正确率难以优化。", *OTHERS)
    assert title.source == "keywords" and is_title_form(title.text) and "正确率" in title.text


def test_math_is_not_put_into_titles():
    title = title_of(r"\[\frac{a}{b}\] 其后是正文,很长的一句话讲扩散模型,扩散模型很好。", *OTHERS)
    assert "\\" not in title.text and "frac" not in title.text
