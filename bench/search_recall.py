"""Search recall of feedsite's bigram index against the peers it replaced or could
have been: `python bench/search_recall.py [N_WORDS]`.

Two query sets: the issue's queries plus N_WORDS (default 100) stretches drawn
from article bodies at random (tests/searchref.py, another seed than the tests
use), which are as often sub-words as words; and N_WORDS words as jieba itself
cuts the bodies, the set most favourable to a dictionary segmenter. Expected hits follow the
issue's definition, from the content files alone. Per option, per query:
recall = found ∩ expected / expected. Options:

- feedsite: the built site's own search (search-index.js in Chromium, every match);
- pagefind: Pagefind's extended build over the same pages, configured as it was
  before (article text without tags), queried with its own JS API in Chromium;
- jieba: a dictionary segmenter on both sides (jieba's search mode), simulated
  in Python: a hit when every query token is among the article's tokens;
- jieba+vocab: the same with every tag and title added to jieba's dictionary.

Needs `make bench` (installs Pagefind and jieba, which the site does not use).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from searchref import holders, norm, reference_articles, sample_words  # noqa: E402
from siteprobe import CHROMIUM, CHROMIUM_ARGS, build_site, serve  # noqa: E402

ISSUE_QUERIES = ["滑动窗口", "滑动窗口最大值", "LeetCode", "目标检测", "扩散", "位置编码", "窗口", "编码",
                 "leetcode", "ROPE", "transformer"]
PAGEFIND_JS = """async (q) => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const found = await pf.search(q);
  return Promise.all(found.results.map(async r => (await r.data()).url));
}"""


def pagefind(site: Path) -> None:
    import pagefind_bin_extended
    subprocess.run([str(pagefind_bin_extended.get_executable()), "--site", str(site), "--quiet",
                    "--force-language", "zh-cn", "--glob", "articles/**/*.html",
                    "--root-selector", "article.article",
                    "--exclude-selectors", ".meta, .tags, .note, .toc"], check=True, timeout=300)


def jieba_option(articles, vocabulary: bool):
    import jieba
    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    if vocabulary:
        for a in articles:
            for word in (a.title, *a.tags):
                tok.add_word(norm(word))
    index = {a.slug: {t.strip() for t in tok.cut_for_search(norm(" ".join((a.title, *a.tags, a.prose))))}
             for a in articles}

    def search(query: str) -> set[str]:
        terms = {t.strip() for t in tok.cut_for_search(norm(query))} - {""}
        return {slug for slug, tokens in index.items() if terms <= tokens}
    return search


def jieba_words(articles, n: int, seed: int) -> list[str]:
    import random

    import jieba
    jieba.setLogLevel(60)
    rng, words = random.Random(seed), []
    pool = sorted({w for a in articles for w in jieba.cut(norm(a.prose))
                   if len(w) >= 2 and any(c.isalnum() for c in w) and w.strip() == w})
    while len(words) < min(n, len(pool)):
        word = rng.choice(pool)
        if word not in words:
            words.append(word)
    return words


def report(title: str, queries: list[str], expected: dict, results: dict) -> None:
    print(f"{title}: {len(queries)} queries")
    print(f"{'option':<12} {'mean recall':>11} {'min':>5} {'queries >= 0.9':>15} {'issue queries':>14}")
    for name, found in results.items():
        recall = {q: len(found[q] & expected[q]) / len(expected[q]) for q in queries if expected[q]}
        ok = sum(r >= 0.9 for r in recall.values())
        issue = [q for q in ISSUE_QUERIES if q in recall]
        issue_ok = sum(recall[q] >= 0.9 for q in issue)
        print(f"{name:<12} {sum(recall.values()) / len(recall):>11.3f} {min(recall.values()):>5.2f} "
              f"{ok:>8}/{len(recall):<6} {issue_ok:>7}/{len(issue)}")
        misses = [q for q in issue if recall[q] < 0.9]
        if misses:
            print(f"{'':<12} misses among the issue's: {' '.join(misses)}")


def slug_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    from playwright.sync_api import sync_playwright

    content = ROOT / "content"
    articles = reference_articles(content)
    sampled = ISSUE_QUERIES + [w for w in sample_words(articles, n, seed=2026) if w not in ISSUE_QUERIES]
    dictionary = jieba_words(articles, n, seed=2026)
    queries = list(dict.fromkeys(sampled + dictionary))
    expected = {q: holders(articles, q) for q in queries}
    results: dict[str, dict[str, set[str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        shutil.copy(ROOT / "site.yaml", site / "site.yaml")
        shutil.copytree(content, site / "content")
        build_site(site / "site.yaml", site / "public")
        pagefind(site / "public")
        with serve(site / "public") as origin, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"{origin}/search/")
            page.wait_for_function("() => window.feedsiteSearch")
            results["feedsite"] = {q: {slug_of(r["url"]) for r in page.evaluate(
                "q => feedsiteSearch.find(q, '/search/data/')", q)} for q in queries}
            results["pagefind"] = {q: {slug_of(u) for u in page.evaluate(PAGEFIND_JS, q)} for q in queries}
            browser.close()
    for name, vocab in (("jieba", False), ("jieba+vocab", True)):
        search = jieba_option(articles, vocab)
        results[name] = {q: search(q) for q in queries}

    print(f"{len(articles)} articles")
    report("issue queries + random stretches of bodies", sampled, expected, results)
    report("words as jieba cuts the bodies", dictionary, expected, results)


if __name__ == "__main__":
    main()
