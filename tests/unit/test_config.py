from pathlib import Path

import pytest
from conftest import CORPUS_CONFIG

from feedsite.config import load_config
from feedsite.errors import BuildFailed


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        load_config(path)
    return [str(p).replace(str(tmp_path) + "/", "") for p in failed.value.problems]


def test_the_real_config_has_six_topics_and_a_tag_vocabulary(config):
    assert [t.slug for t in config.topics] == ["generative-models", "llm-transformer", "computer-vision",
                                              "search-recommendation", "algorithms", "ml-fundamentals"]
    assert [t.name for t in config.topics] == ["扩散与生成模型", "大模型与Transformer", "计算机视觉",
                                              "搜索与推荐", "算法题解", "机器学习基础"]
    rope = next(t for t in config.tags if t.name == "RoPE")
    assert {"ROPE", "旋转位置编码"} <= set(rope.aliases)
    assert config.base_path == "/"


def test_unknown_keys_and_wrong_types_name_their_line(tmp_path):
    text = CORPUS_CONFIG.read_text(encoding="utf-8")
    text = text.replace("latest_count: 8", "latest_count: many\ntopcis: []")
    assert problems(tmp_path, text) == [
        "site.yaml:14: error: 'latest_count' in site.yaml must be an integer",
        "site.yaml:15: error: unknown key 'topcis' in site.yaml (allowed: title, description, author, "
        "language, base_url, updated, content_dir, feeds_dir, output_dir, templates_dir, latest_count, "
        "default_topic, topics, tags, retired)"]


def test_references_between_entries_are_checked(tmp_path):
    text = ("title: t\nbase_url: /\ndefault_topic: nope\ntags: [{name: A}]\ntopics:\n"
            "  - {slug: a, name: A, fallback_tags: [B]}\n  - {slug: a, name: A2}\n")
    assert problems(tmp_path, text) == [
        "site.yaml:3: error: default_topic 'nope' is not a topic",
        "site.yaml:6: error: topic 'a' falls back to unknown tag 'B'",
        "site.yaml:7: error: topic slug 'a' is defined twice"]


def test_invalid_yaml_and_subpath(tmp_path):
    assert problems(tmp_path, "title: [x\n")[0].startswith("site.yaml:2: error: invalid YAML")
    path = tmp_path / "site.yaml"
    path.write_text("title: t\nbase_url: https://example.org/notes\ndefault_topic: a\ntags: []\n"
                    "topics: [{slug: a, name: A}]\n", encoding="utf-8")
    assert load_config(path).base_path == "/notes/"


def test_topic_and_tag_slugs_are_checked_with_their_line(tmp_path):
    text = ("title: t\nbase_url: /\ndefault_topic: a\ntopics:\n  - {slug: a, name: A}\n"
            "  - slug: Bad Slug\n    name: B\n"
            "tags:\n  - {name: 扩散模型}\n  - {name: RoPE, slug: ../rope}\n  - {name: 扩散模型}\n"
            "  - {name: 位置, slug: kuo-san-mo-xing}\n")
    assert problems(tmp_path, text) == [
        "site.yaml:6: error: topic slug 'Bad Slug' must be lowercase ASCII letters, digits and '-'",
        "site.yaml:10: error: tag slug '../rope' must be lowercase ASCII letters, digits and '-'",
        "site.yaml:11: error: tag name '扩散模型' is already used by the tag at line 9",
        "site.yaml:11: error: tag slug 'kuo-san-mo-xing' is already used by the tag at line 9",
        "site.yaml:12: error: tag slug 'kuo-san-mo-xing' is already used by the tag at line 9"]
