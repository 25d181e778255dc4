// feedsite search, what a reader sees: the header box's dropdown and the /search/
// page, over search-index.js (loaded just before it). Loaded on the search page
// (deferred) and, elsewhere, only once a reader focuses the header box.
(function () {
  "use strict";
  if (window.feedsiteSearch) return;  // the page's own script and the header's loader
  var E = window.feedsiteIndex;
  var Index = E.Index, foldMap = E.foldMap, parse = E.parse, candidates = E.candidates;
  var judge = E.judge, better = E.better, find = E.find;
  var FIRST = 20, BATCH = 20, TITLE_CAP = 50, DROPDOWN = 6, SNIPPET = 80, BEFORE = 24;
  var CLAUSE = /[\n。！？；，、：,!?;:()（）「」“”"]/;
  var LATIN = /[A-Za-z0-9]/;

  // ---------------------------------------------------------------- rendering

  // Text with every occurrence of the terms marked; built from text nodes, never
  // from HTML, since titles and bodies are the notes' own words.
  function marked(el, original, folded, lo, hi, terms) {
    var spans = [];
    // The whole phrase is marked as one where it occurs, its words elsewhere.
    if (terms.length > 1) terms = [terms.join(" ")].concat(terms);
    terms.forEach(function (t) {
      for (var at = folded.text.indexOf(t, lo); at >= 0 && at + t.length <= hi;
        at = folded.text.indexOf(t, at + t.length)) spans.push([at, at + t.length]);
    });
    spans.sort(function (a, b) { return (a[0] - b[0]) || (b[1] - a[1]); });
    var pos = folded.from[lo];
    spans.forEach(function (s) {
      var a = folded.from[s[0]], b = folded.from[s[1]];
      if (a < pos) return;  // overlaps a mark already made
      if (a > pos) el.appendChild(document.createTextNode(original.slice(pos, a)));
      var m = document.createElement("mark");
      m.textContent = original.slice(a, b);
      el.appendChild(m);
      pos = b;
    });
    var end = folded.from[hi];
    if (end > pos) el.appendChild(document.createTextNode(original.slice(pos, end)));
  }

  // Where a snippet showing a match at `m` should begin: at the first clause that
  // starts between `back` and the match, else after a space there, else at
  // `back` moved off the middle of a Latin word.
  function clauseStart(text, back, m) {
    if (back === 0 || CLAUSE.test(text[back - 1])) return back;
    var space = -1;
    for (var j = back; j < m; j++) {
      if (CLAUSE.test(text[j])) return j + 1;
      if (space < 0 && /\s/.test(text[j])) space = j + 1;
    }
    if (space >= 0) return space;
    var start = back;
    while (start > 0 && start > back - 12 && LATIN.test(text[start - 1])) start--;
    return start;
  }

  // The earliest occurrence of any term at or after folded unit `lo`.
  function first(f, terms, lo) {
    var best = { at: -1, len: 0 };
    terms.forEach(function (t) {
      var k = f.text.indexOf(t, lo);
      if (k >= 0 && (best.at < 0 || k < best.at)) best = { at: k, len: t.length };
    });
    return best;
  }

  // The first folded unit that comes from original index `pos` or later.
  function unitAt(folded, pos) {
    var lo = 0, hi = folded.from.length - 1;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (folded.from[mid] < pos) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // A window of about SNIPPET characters around the first match in the body, cut
  // at a clause or word boundary; the opening of the body when only the title or
  // a tag matched (skipping a first line that repeats the title).
  function snippet(el, r, terms) {
    var text = r.doc.b, f = r.body, lineEnd = text.indexOf("\n");
    // Bodies often open with a line that repeats the title: cut from after it.
    var from = lineEnd > 0 && f.text.slice(0, unitAt(f, lineEnd)) === r.title.text ? lineEnd + 1 : 0;
    var at = first(f, terms, unitAt(f, from));
    if (at.at < 0) at = first(f, terms, 0);
    var start = from;
    if (at.at >= 0) {
      var m = f.from[at.at], stop = f.from[at.at + at.len];
      // Near the end of the body, reach further back so the window stays full.
      start = clauseStart(text, Math.max(0, Math.min(m - BEFORE, text.length - SNIPPET)), m);
      if (stop - start > SNIPPET) start = stop - SNIPPET + 10;
    }
    var end = Math.min(text.length, start + SNIPPET);
    for (var e = end; e < text.length && e < end + 12 && LATIN.test(text[e - 1]) && LATIN.test(text[e]);) e++;
    end = e;
    if (start > 0) el.appendChild(document.createTextNode("…"));
    marked(el, text, f, unitAt(f, start), unitAt(f, end), terms);
    if (end < text.length) el.appendChild(document.createTextNode("…"));
    // Block breaks read as spaces inside one snippet; a formula (U+E000 in the index's
    // text, which no query matches) reads as [公式], as plain-text Chinese sites show one.
    el.normalize();
    el.childNodes.forEach(function (n) {
      n.textContent = n.textContent.replace(/\n/g, " ").replace(/\uE000/g, "[公式]");
    });
  }

  function item(r, terms) {
    var li = document.createElement("li"), a = document.createElement("a");
    li.className = "result";
    a.className = "result-link";
    a.href = r.doc.u;
    var title = document.createElement("span"), topic = document.createElement("span");
    var snip = document.createElement("span");
    title.className = "result-title"; topic.className = "result-topic"; snip.className = "result-snippet";
    marked(title, r.doc.t, r.title, 0, r.title.text.length, terms);
    topic.textContent = r.doc.p;
    snippet(snip, r, terms);
    a.appendChild(title); a.appendChild(topic);
    // The tags that hold a word, marked: a result found by its tag alone shows why.
    var hits = r.doc.g.map(function (t, j) { return { tag: t, folded: r.tags[j] }; }).filter(function (h) {
      return terms.some(function (x) { return h.folded.text.indexOf(x) >= 0; });
    });
    if (hits.length) {
      var tags = document.createElement("span");
      tags.className = "result-tags";
      tags.appendChild(document.createTextNode("标签："));
      hits.forEach(function (h, j) {
        if (j) tags.appendChild(document.createTextNode("、"));
        marked(tags, h.tag, h.folded, 0, h.folded.text.length, terms);
      });
      a.appendChild(tags);
    }
    a.appendChild(snip);
    li.appendChild(a);
    return li;
  }

  // ---------------------------------------------------------------- one search box

  function Search(form, index) {
    this.form = form; this.index = index; this.input = form.elements.q;
    this.page = form.getAttribute("data-search") === "page";
    this.list = document.getElementById(form.getAttribute("data-results"));
    this.status = document.getElementById(form.getAttribute("data-status"));
    this.more = this.page ? document.getElementById(form.getAttribute("data-more")) : null;
    this.run = 0; this.timer = 0;
  }

  Search.prototype.start = function () {
    var self = this;
    this.input.addEventListener("input", function () {
      // A search still under way is for older words: it must not touch the results.
      self.run++;
      self.list.setAttribute("aria-busy", "true");
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.search(); }, 80);
    });
    this.input.addEventListener("keydown", function (e) { self.key(e); });
    this.list.addEventListener("keydown", function (e) { self.key(e); });
    if (this.page) {
      var q = new URLSearchParams(window.location.search).get("q");
      if (q) this.input.value = q;
      this.form.addEventListener("submit", function (e) { e.preventDefault(); self.search(); });
      if (this.more) this.more.addEventListener("click", function () { self.showMore(); });
    } else {
      // The dropdown closes when focus or a click leaves the box, and comes back with focus.
      document.addEventListener("click", function (e) { if (!self.form.contains(e.target)) self.close(); });
      this.form.addEventListener("focusout", function (e) {
        if (e.relatedTarget && !self.form.contains(e.relatedTarget)) self.close();
      });
      this.input.addEventListener("focus", function () {
        if (self.list.children.length) { self.list.hidden = false; self.status.hidden = false; }
      });
    }
    if (this.input.value.trim()) this.search();
  };

  Search.prototype.key = function (e) {
    var links = Array.prototype.slice.call(this.list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && links.length) {
      e.preventDefault(); links[Math.min(at + 1, links.length - 1)].focus();
    } else if (e.key === "ArrowUp" && at >= 0) {
      e.preventDefault(); (at === 0 ? this.input : links[at - 1]).focus();
    } else if (e.key === "Escape") {
      if (!this.page) this.close();
      this.input.focus();
    }
  };

  Search.prototype.close = function () {
    if (!this.page) { this.list.hidden = true; this.status.hidden = true; }
  };

  Search.prototype.say = function (text) { this.status.textContent = text; this.status.hidden = false; };

  Search.prototype.search = function () {
    var self = this, run = ++this.run, value = this.input.value;
    if (this.page) {
      var url = new URL(window.location.href);
      if (value.trim()) url.searchParams.set("q", value); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
    }
    if (!value.trim()) { this.clear(); this.close(); this.list.removeAttribute("aria-busy"); return; }
    this.list.setAttribute("aria-busy", "true");
    this.index.ready().then(function () {
      var q = parse(value, self.index.meta.fold);
      if (!q.grams.length) return null;
      return candidates(self.index, q.grams).then(function (c) { return { q: q, cands: c }; });
    }).then(function (found) {
      if (run !== self.run) return;
      self.clear();
      if (!found) { self.say("字母和数字请至少输入两个"); self.list.removeAttribute("aria-busy"); return; }
      self.q = found.q; self.cands = found.cands; self.next = 0; self.done = []; self.shown = 0;
      // Check every likely title match first (up to a cap), so they lead.
      var titled = found.cands.filter(function (c) { return c.title; }).length;
      return self.show(self.page ? FIRST : DROPDOWN, false, Math.max(FIRST, Math.min(titled, TITLE_CAP)));
    }).catch(function (err) {
      if (run === self.run) { self.say("搜索出错：" + err.message); self.list.removeAttribute("aria-busy"); }
    });
  };

  Search.prototype.clear = function () {
    this.list.textContent = ""; this.shown = 0;
    if (this.more) this.more.hidden = true;
  };

  // The next results, once: a second click while they are on their way would make two
  // batches that each count the other's as missing ("20 篇文章" of 40, for a moment).
  Search.prototype.showMore = function () {
    var self = this, run = this.run;
    if (this.list.hasAttribute("aria-busy")) return;
    this.list.setAttribute("aria-busy", "true");
    this.show(BATCH, true).catch(function (err) {
      if (run === self.run) { self.say("搜索出错：" + err.message); self.list.removeAttribute("aria-busy"); }
    });
  };

  // Check candidates in estimated order until `n` more are confirmed (and at
  // least `depth` were checked), then show them; results on screen stay put.
  Search.prototype.show = function (n, focusNew, depth) {
    var self = this, run = this.run, want = this.shown + n, table = this.index.meta.fold;
    depth = depth || 0;
    function step() {
      if ((self.done.length >= want && self.next >= depth) || self.next >= self.cands.length) {
        return Promise.resolve();
      }
      var size = Math.max(BATCH, want - self.done.length, depth - self.next);
      var batch = self.cands.slice(self.next, self.next + size);
      self.next += batch.length;
      return Promise.all(batch.map(function (c) { return self.index.doc(c.id); })).then(function (docs) {
        var fresh = [];
        docs.forEach(function (d, j) { var r = judge(batch[j].id, d, self.q, table); if (r) fresh.push(r); });
        self.done = self.done.slice(0, self.shown).concat(self.done.slice(self.shown).concat(fresh).sort(better));
        return step();
      });
    }
    return step().then(function () {
      if (run !== self.run) return;
      var first = null;
      self.done.slice(self.shown, want).forEach(function (r) {
        var li = item(r, self.q.terms);
        first = first || li;
        self.list.appendChild(li);
      });
      self.shown = Math.min(want, self.done.length);
      var left = self.cands.length - self.next, total = self.done.length + left;
      self.list.hidden = false;
      if (!total) self.say("没有找到包含“" + self.input.value.trim() + "”的文章");
      else self.say((left ? "约 " : "") + total + " 篇文章" + (self.shown < total ? "，显示前 " + self.shown + " 篇" : ""));
      if (self.more) self.more.hidden = self.shown >= total;
      if (!self.page) self.footer(total);
      self.list.removeAttribute("aria-busy");
      if (focusNew && first) first.querySelector("a").focus();
    });
  };

  // The dropdown ends with a link to every result on the search page.
  Search.prototype.footer = function (total) {
    if (total <= this.shown) return;
    var li = document.createElement("li"), a = document.createElement("a");
    li.className = "result result-all";
    a.href = this.form.getAttribute("action") + "?q=" + encodeURIComponent(this.input.value.trim());
    a.textContent = "查看全部 " + total + " 篇 →";
    li.appendChild(a);
    this.list.appendChild(li);
  };

  var indexes = {};
  document.querySelectorAll("form[data-search]").forEach(function (form) {
    var base = form.getAttribute("data-index");
    new Search(form, indexes[base] || (indexes[base] = new Index(base))).start();
  });
  function indexAt(base) { return indexes[base] || (indexes[base] = new Index(base)); }
  // For tests and benchmarks: every match of a query, and the folding of a text.
  window.feedsiteSearch = {
    find: function (query, base) { return find(indexAt(base), query); },
    fold: function (text, base) {
      var index = indexAt(base);
      return index.ready().then(function () { return foldMap(text, index.meta.fold).text; });
    }
  };
})();
