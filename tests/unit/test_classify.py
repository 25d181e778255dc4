"""Topics and tags on the real articles, checked against what a reader would say."""
from collections import Counter

from conftest import CONTENT

from feedsite import frontmatter
from feedsite.extract.classify import Classifier, KeywordCounter

# A reader's verdict for every real article, keyed by the start of its title.
READER_TOPICS = {
    "旋转式位置编码": "llm-transformer", "不同于RNN、CNN等模型": "llm-transformer",
    "76. 最小覆盖子串": "algorithms", "129. 滑动窗口最大值": "algorithms", "11. 盛最多水的容器": "algorithms",
    "这是一篇尝试改变LLM": "llm-transformer", "Diffusion模型近年来": "generative-models",
    "扩散模型:通过加噪": "generative-models", "基于文章 《Elucidating": "generative-models",
    "原本随机采样的DDPM": "generative-models", "DDPM 有一个": "generative-models",
    "Diffusion Models from SDE": "generative-models", "Flowbased Models": "generative-models",
    "如果以概率的视角": "generative-models", "研究对象与基本设定": "generative-models",
    "给定一个包含 n 维数据": "generative-models", "the machine predicts": "ml-fundamentals",
    "FlashAttention": "llm-transformer", "通常我们训练神经网络": "ml-fundamentals",
    "Medusa": "llm-transformer", "MTP": "llm-transformer", "投机解码": "llm-transformer",
    "深度学习偏置": "ml-fundamentals", "一般来说,神经网络": "ml-fundamentals",
    "如何计算RF": "computer-vision", "之前的很多方法都是用RNN": "computer-vision",
    "最近,似乎现在每个大型语言模型": "ml-fundamentals", "取代RNN——Transformer": "llm-transformer",
    "在正式介绍之前": "computer-vision", "在深度学习目标检测中": "computer-vision",
    "\"Anchorfree\"": "computer-vision", "YOLO": "computer-vision",
    "在电商搜索中": "search-recommendation", "搜索引擎概述": "search-recommendation",
    "精排": "search-recommendation", "文章从连续情形出发": "ml-fundamentals",
    "Self-Supervised Learning": "ml-fundamentals", "Tokenizer": "llm-transformer",
    "什么是Word2Vec": "ml-fundamentals", "RNN": "ml-fundamentals",
}


def real_articles():
    return [frontmatter.parse(p.read_text(encoding="utf-8"))[0] for p in sorted(CONTENT.glob("*.md"))]


def test_every_real_article_gets_the_topic_a_reader_would_give():
    articles = real_articles()
    assert len(articles) == len(READER_TOPICS) == 40
    for fields in articles:
        key = max((k for k in READER_TOPICS if fields["title"].startswith(k)), key=len)
        assert fields["topic"] == READER_TOPICS[key], fields["title"]


def test_tags_are_shared_enough_for_a_tag_cloud():
    counts = Counter(tag for fields in real_articles() for tag in fields["tags"])
    assert sum(1 for n in counts.values() if n >= 3) >= 10
    assert max(counts.values()) >= 8


def test_aliases_map_to_the_canonical_tag(config):
    classifier = Classifier(config)
    _, tags = classifier.classify("说明", "这里讲 ROPE,也叫旋转位置编码,与 Transformer 的关系")
    assert "RoPE" in tags and "ROPE" not in tags and "旋转位置编码" not in tags


def test_keywords_inside_math_do_not_count(config):
    classifier = Classifier(config)
    topic, tags = classifier.classify("说明", r"普通的文字 \(\text{YOLO 目标检测 感受野}\) 没有别的")
    assert topic == config.default_topic
    assert "YOLO" not in tags and "目标检测" not in tags


def test_latin_keywords_match_whole_words_only():
    counter = KeywordCounter(["ODE", "扩散", "扩散模型"])
    assert counter.counts("decoder 与 ODE、扩散模型和扩散") == {"ODE": 1, "扩散": 2, "扩散模型": 1}
