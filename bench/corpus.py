"""A synthetic corpus shaped like the real notes, at any size, for feedsite, Hugo and Pelican.

`python bench/corpus.py N DIR` writes DIR/feedsite, DIR/hugo and DIR/pelican: the same N
articles in each tool's own format. Each article has a title, one of the 6 topics, 2-5 of
the 53 tags of the real site.yaml, about 3 `##` headings, Chinese and English prose taken
from the real dumps, one Python code block and 5 formulas (inline and display), a third of
which come from a small pool shared across the corpus, as notes repeat the same formulas.
Deterministic: the same N gives the same bytes.
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
SHARED_FORMULAS = [r"\mathbf{x}_t = \sqrt{\bar\alpha_t}\,\mathbf{x}_0 + \sqrt{1-\bar\alpha_t}\,\epsilon",
                   r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
                   r"q(\mathbf{x}_t \mid \mathbf{x}_{t-1}) = \mathcal{N}(\sqrt{1-\beta_t}\,\mathbf{x}_{t-1}, \beta_t I)",
                   r"\mathcal{L} = \mathbb{E}_{t,\mathbf{x}_0,\epsilon}\left[\|\epsilon - \epsilon_\theta(\mathbf{x}_t, t)\|^2\right]",
                   r"R_{\Theta,m} \mathbf{q} = \begin{pmatrix}\cos m\theta & -\sin m\theta\\ \sin m\theta & \cos m\theta\end{pmatrix}\mathbf{q}",
                   r"\mathrm{Attention}(Q,K,V) = \mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right)V",
                   r"\mathrm{IoU} = \frac{|A \cap B|}{|A \cup B|}",
                   r"p(x) = \int p(x \mid z)\, p(z)\, dz",
                   r"\nabla_x \log p_t(x)",
                   r"\mathrm{NDCG}@k = \frac{1}{Z}\sum_{i=1}^{k} \frac{2^{r_i}-1}{\log_2(i+1)}"]
CODE = '''def sliding_window_max(nums, k):
    from collections import deque
    window, out = deque(), []
    for i, x in enumerate(nums):
        while window and nums[window[-1]] <= x:
            window.pop()
        window.append(i)
        if window[0] <= i - k:
            window.popleft()
        if i >= k - 1:
            out.append(nums[window[0]])
    return out
'''


def sentences() -> list[str]:
    """Prose sentences of the real dumps, math and lost markers removed."""
    found = []
    for dump in sorted((CORPUS / "feeds").glob("*.txt")):
        for line in dump.read_text(encoding="utf-8").split("\n")[3:]:
            prose = re.sub(r"\\\(.*?\\\)|\\\[.*?\\\]|\[Math\]|\[公式\]|[\\*_#`<>|\[\]]", "", line)
            found += [s.strip() + "。" for s in prose.split("。") if 12 <= len(s.strip()) <= 160]
    return found


def formula(rng: random.Random, i: int, k: int) -> str:
    if k % 3 == 0:
        return rng.choice(SHARED_FORMULAS)
    a, b = i % 97, (i * 7 + k) % 89
    return rf"\sum_{{n={a}}}^{{N}} w_{{{b}}} x_n^{{{k + 1}}} + \frac{{\partial \mathcal{{L}}_{{{a}}}}}{{\partial \theta_{{{b}}}}}"


def article(rng: random.Random, i: int, pool: list[str], topics: list[str], tags: list[str]) -> dict:
    words = re.sub(r"[^\w\u4e00-\u9fff]+", " ", rng.choice(pool)[:14]).strip()
    body, k = [], 0
    for h in range(3):
        body.append(f"## 第 {h + 1} 节:{rng.choice(pool)[:10].rstrip('。,，')}")
        for _ in range(2):
            para = " ".join(rng.choice(pool) for _ in range(3))
            if k < 4:
                para += f" 其中 \\({formula(rng, i, k)}\\) 是关键的一项。"
                k += 1
            body.append(para)
        if h == 1:  # every article's code differs a little, as real notes' code does
            body.append(f"```python\n{CODE.replace('sliding_window_max', f'window_max_{i}')}"
                        f"print(window_max_{i}([{i % 10}, 3, -1, {i % 7}], {1 + i % 3}))\n```")
    body.append(f"\\[{formula(rng, i, 4)}\\]")
    return {"title": f"{words} {i}", "slug": f"note-{i:06d}", "topic": topics[i % len(topics)],
            "tags": rng.sample(tags, rng.randint(2, 5)), "body": "\n\n".join(body) + "\n",
            "date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"}


def write_feedsite(root: Path, articles: list[dict]) -> None:
    (root / "content").mkdir(parents=True)
    config = (CORPUS / "site.yaml").read_text(encoding="utf-8")
    (root / "site.yaml").write_text(config, encoding="utf-8")
    for a in articles:
        meta = {k: a[k] for k in ("title", "slug", "topic", "tags", "date")}
        (root / "content" / f"{a['slug']}.md").write_text(
            f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n{a['body']}",
            encoding="utf-8")


HUGO_CONFIG = """baseURL = 'https://notes.example.org/'
languageCode = 'zh-cn'
title = 'bench'
[taxonomies]
  tag = 'tags'
  category = 'categories'
[markup.goldmark.extensions.passthrough]
  enable = true
  [markup.goldmark.extensions.passthrough.delimiters]
    block = [['\\\\[', '\\\\]']]
    inline = [['\\\\(', '\\\\)']]
[markup.highlight]
  noClasses = false
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": "<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>{{ .Title }}</title>"
                            "</head><body><nav>{{ range site.Taxonomies.categories }}<a href=\"{{ .Page.RelPermalink }}\">"
                            "{{ .Page.Title }}</a>{{ end }}</nav><main>{{ block \"main\" . }}{{ end }}</main></body></html>",
    "_default/single.html": "{{ define \"main\" }}<article><h1>{{ .Title }}</h1>{{ .Content }}"
                            "<ul>{{ range .GetTerms \"tags\" }}<li><a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a></li>"
                            "{{ end }}</ul></article>{{ end }}",
    "_default/list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ range .Pages }}<h2><a href=\"{{ .RelPermalink }}\">"
                          "{{ .Title }}</a></h2><p>{{ .Summary }}</p>{{ end }}{{ end }}",
    "_default/_markup/render-passthrough.html": "{{ $opts := dict \"output\" \"htmlAndMathml\" \"displayMode\" "
                                                "(eq .Type \"block\") }}{{ with try (transform.ToMath .Inner $opts) }}"
                                                "{{ with .Err }}{{ errorf \"%s\" . }}{{ else }}{{ .Value }}{{ end }}{{ end }}",
}


def write_hugo(root: Path, articles: list[dict], topic_names: dict[str, str]) -> None:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        (root / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "layouts" / rel).write_text(text, encoding="utf-8")
    for a in articles:
        meta = {"title": a["title"], "slug": a["slug"], "date": a["date"], "tags": a["tags"],
                "categories": [topic_names[a["topic"]]]}
        (root / "content" / "posts" / f"{a['slug']}.md").write_text(
            f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{a['body']}", encoding="utf-8")


PELICAN_CONFIG = """AUTHOR = 'bench'
SITENAME = 'bench'
SITEURL = ''
PATH = 'content'
TIMEZONE = 'UTC'
DEFAULT_LANG = 'zh'
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
DEFAULT_PAGINATION = 10
MARKDOWN = {'extension_configs': {'markdown.extensions.codehilite': {'css_class': 'highlight'},
                                  'markdown.extensions.extra': {}}, 'output_format': 'html5'}
"""


def write_pelican(root: Path, articles: list[dict], topic_names: dict[str, str]) -> None:
    (root / "content").mkdir(parents=True)
    (root / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    for a in articles:
        (root / "content" / f"{a['slug']}.md").write_text(
            f"Title: {a['title']}\nDate: {a['date']}\nCategory: {topic_names[a['topic']]}\n"
            f"Tags: {', '.join(a['tags'])}\nSlug: {a['slug']}\n\n{a['body']}", encoding="utf-8")


def generate(n: int, dest: Path) -> dict[str, Path]:
    config = yaml.safe_load((CORPUS / "site.yaml").read_text(encoding="utf-8"))
    topics = [t["slug"] for t in config["topics"]]
    topic_names = {t["slug"]: t["name"] for t in config["topics"]}
    tags = [t["name"] for t in config["tags"]]
    rng, pool = random.Random(n), sentences()
    articles = [article(rng, i, pool, topics, tags) for i in range(n)]
    roots = {name: dest / name for name in ("feedsite", "hugo", "pelican")}
    write_feedsite(roots["feedsite"], articles)
    write_hugo(roots["hugo"], articles, topic_names)
    write_pelican(roots["pelican"], articles, topic_names)
    return roots


if __name__ == "__main__":
    print(generate(int(sys.argv[1]), Path(sys.argv[2])))
