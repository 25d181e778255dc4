"""Cost of typesetting the real site's formulas at build time: `python bench/math_speed.py`.

Measured on every formula of the project's content/ (plus the inline forms its
excerpts use): starting MathJax in Node, each formula cold, each formula from
the cache, and side by side the floor of bare MathJax in Node (a loop of
`tex2chtml` in one script, no JSON, no pipe, no CSS bookkeeping). Then the
engine's steady state on each set of MathJax modules (the ES2020 compile `make`
sets up, and the es5 components), each formula ten times over. Then whole
builds of the real site (no search index): with an empty cache, and again with
the preview's BuildState, which has every formula cached.
"""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from feedsite.build import BuildState, build  # noqa: E402
from feedsite.build.assets import mathjax_es5_dir  # noqa: E402
from feedsite.build.bodies import render_article  # noqa: E402
from feedsite.build.content import load_articles  # noqa: E402
from feedsite.build.formulas import MathCache  # noqa: E402
from feedsite.build.pipeline import site_formulas  # noqa: E402
from feedsite.build.typeset import Engine, typeset_all  # noqa: E402
from feedsite.config import load_config  # noqa: E402

ROUNDS = 5
OVER = 10  # times each formula is typeset for the steady state (MathJax keeps no per-formula cache)

BARE = r"""
const [es5, file] = process.argv.slice(1);  // with -e, the first argument is argv[1]
global.MathJax = {loader: {require, paths: {mathjax: es5},
                           load: ['adaptors/liteDOM', 'input/tex-full', 'output/chtml']},
                  startup: {typeset: false}};
const t0 = process.hrtime.bigint();
require(es5 + '/startup.js');
MathJax.startup.promise.then(() => {
  const t1 = process.hrtime.bigint();
  const formulas = JSON.parse(require('fs').readFileSync(file, 'utf8'));
  for (const [tex, display] of formulas) MathJax.tex2chtml(tex, {display});
  const t2 = process.hrtime.bigint();
  console.log(JSON.stringify({start: Number(t1 - t0) / 1e9, typeset: Number(t2 - t1) / 1e9}));
});
"""


def real_formulas(config) -> list:
    """Every distinct formula a build of the real site typesets, as the build lists them."""
    articles, _ = load_articles(config, "content")
    return list(dict.fromkeys(site_formulas(articles, {a.slug: render_article(a) for a in articles})))


def best(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    config = load_config(ROOT / "site.yaml")
    formulas = real_formulas(config)
    n = len(formulas)

    start = best(lambda: Engine().close())
    cold = best(lambda: typeset_all(formulas, MathCache()))
    cache = typeset_all(formulas, MathCache())
    cached = best(lambda: typeset_all(formulas, cache))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump([[x.tex, x.display] for x in formulas], f)
    bare = [json.loads(subprocess.run(["node", "-e", BARE, str(mathjax_es5_dir()), f.name],
                                      capture_output=True, text=True, check=True).stdout)
            for _ in range(ROUNDS)]
    Path(f.name).unlink()
    steady = {}
    for compiled in (True, False):
        with Engine(compiled) as engine:
            engine.typeset_many(formulas)  # warmed up
            steady[compiled] = best(lambda: engine.typeset_many(formulas * OVER), 3) / (n * OVER)
    bare_start = min(b["start"] for b in bare)
    bare_each = min(b["typeset"] for b in bare) / n
    each = (cold - start) / n
    print(f"{n} distinct formulas on the real site")
    print(f"MathJax start in Node: {start * 1000:6.0f} ms   (bare MathJax: {bare_start * 1000:.0f} ms)")
    print(f"cold, per formula:     {each * 1000:8.2f} ms (bare MathJax loop: {bare_each * 1000:.2f} ms, "
          f"ratio {each / bare_each:.1f}x)")
    print(f"steady state, per formula: {steady[True] * 1000:.2f} ms with the ES2020 modules, "
          f"{steady[False] * 1000:.2f} ms with the es5 components ({steady[False] / steady[True]:.2f}x)")
    print(f"cached, per formula:   {cached / n * 1e6:8.2f} us ({each / (cached / n):.0f}x cheaper than cold)")

    with tempfile.TemporaryDirectory() as tmp:
        site = dataclasses.replace(config, output_dir=Path(tmp) / "public")
        empty = best(lambda: build(site, search=False), 3)
        state = BuildState()
        build(site, state=state, search=False)
        warm = best(lambda: build(site, state=state, search=False), 3)
    print(f"real site build, no search index: empty math cache {empty:.2f} s, "
          f"every formula cached {warm:.2f} s")


if __name__ == "__main__":
    main()
