// feedsite search, the part that reads the index build/searchindex.py writes (search.js
// shows the results; both load together, this one first).
//
// A query is folded exactly as the index was (NFKC, case folding, no hyphen between
// two letters), cut into the same overlapping bigrams (a lone Chinese character is
// looked up by itself), and the articles holding every bigram are the candidates;
// each shown result is then checked against its article's text, so 滑动窗口 finds
// 滑动窗口最大值 and 窗口 finds it too. Words separated by spaces must all occur,
// anywhere in the article.
(function () {
  "use strict";
  if (window.feedsiteIndex) return;  // the page's own script and the header's loader
  var END = "0123456789abcdefghijklmnopqrstuv", MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";
  var RUN = /[\p{L}\p{N}]+/gu, WORDY = /^[\p{L}\p{N}]$/u;

  var digit = {};
  for (var i = 0; i < 32; i++) { digit[END[i]] = i; digit[MORE[i]] = 32 + i; }

  function Index(base) {
    this.base = base; this.meta = null; this.shards = {}; this.lists = {}; this.docs = {};
  }
  Index.prototype.get = function (path) {
    var url = this.base + path + (this.meta ? "?v=" + this.meta.version : "");
    // meta.json is revalidated so a new build is seen; the rest carries its version.
    return fetch(url, this.meta ? {} : { cache: "no-cache" }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  };
  Index.prototype.ready = function () {
    var self = this;
    return this.loading || (this.loading = this.get("meta.json").then(function (m) { self.meta = m; }));
  };
  Index.prototype.list = function (gram) {
    var self = this, k = fnv1a(gram) % this.meta.shards;
    var shard = this.shards[k] || (this.shards[k] = this.get("t/" + k + ".json"));
    return shard.then(function (s) {
      if (!(gram in self.lists)) self.lists[gram] = s[gram] === undefined ? [] : decode(s[gram]);
      return self.lists[gram];
    });
  };
  Index.prototype.doc = function (id) {
    return this.docs[id] || (this.docs[id] = this.get("d/" + id + ".json"));
  };

  function fnv1a(s) {
    var h = 0x811c9dc5;
    for (var c of s) h = Math.imul(h ^ c.codePointAt(0), 0x01000193) >>> 0;
    return h;
  }

  // Postings: (gap - 1, value) varint pairs; value = body count * 4 + 2 * tag + title.
  function decode(s) {
    var out = [], id = -1, n = 0, shift = 0, gap = null;
    for (var j = 0; j < s.length; j++) {
      var d = digit[s[j]];
      if (d >= 32) { n += (d - 32) * Math.pow(32, shift); shift++; continue; }
      n += d * Math.pow(32, shift);
      if (gap === null) { gap = n; } else { id += gap + 1; out.push([id, n]); gap = null; }
      n = 0; shift = 0;
    }
    return out;
  }

  // Fold text one character at a time, remembering where each folded unit came
  // from, so a match found in folded text can be marked in the original.
  function foldMap(text, table) {
    var out = "", from = [];
    for (var j = 0; j < text.length;) {
      var cp = text.codePointAt(j), c = String.fromCodePoint(cp), n = c.normalize("NFKC"), f = "";
      for (var x of n) f += table[x] !== undefined ? table[x] : x.toLowerCase();
      for (var k = 0; k < f.length; k++) from.push(j);
      out += f; j += c.length;
    }
    from.push(text.length);
    return joinHyphens({ text: out, from: from });
  }

  // Without the hyphens that join two letters or digits (searchtext.fold): multi-token
  // and Multitoken fold alike. Neighbours are whole code points, as Python sees them.
  function joinHyphens(f) {
    var t = f.text, text = "", from = [];
    if (t.indexOf("-") < 0 && t.indexOf("\u2010") < 0) return f;
    for (var k = 0; k < t.length; k++) {
      var c = t[k];
      if ((c === "-" || c === "\u2010") && k > 0 && k + 1 < t.length) {
        var low = t.charCodeAt(k - 1) >= 0xDC00 && t.charCodeAt(k - 1) < 0xE000 && k > 1;
        var before = low ? t.slice(k - 2, k) : t[k - 1], after = String.fromCodePoint(t.codePointAt(k + 1));
        if (WORDY.test(before) && WORDY.test(after)) continue;
      }
      text += c; from.push(f.from[k]);
    }
    from.push(f.from[t.length]);
    return { text: text, from: from };
  }

  function parse(query, table) {
    var folded = foldMap(query, table).text.trim(), terms = folded.split(/\s+/).filter(Boolean);
    var grams = {};
    terms.forEach(function (t) {
      (t.match(RUN) || []).forEach(function (run) {
        var cps = Array.from(run);
        for (var j = 0; j + 1 < cps.length; j++) grams[cps[j] + cps[j + 1]] = true;
        // One character alone (熵, 栈) is listed when it is not ASCII (searchtext.index_keys).
        if (cps.length === 1 && cps[0].codePointAt(0) > 127) grams[cps[0]] = true;
      });
    });
    return { phrase: terms.join(" "), terms: terms, grams: Object.keys(grams) };
  }

  // Articles holding every bigram, best estimate first: in the title, in a tag,
  // then by the smallest body count of any bigram, then the site's order.
  function candidates(index, grams) {
    return Promise.all(grams.map(function (g) { return index.list(g); })).then(function (lists) {
      lists.sort(function (a, b) { return a.length - b.length; });
      var est = new Map();
      (lists[0] || []).forEach(function (p) { est.set(p[0], [p[1] & 1, p[1] & 2, p[1] >> 2]); });
      for (var j = 1; j < lists.length && est.size; j++) {
        var seen = new Map(lists[j]);
        est.forEach(function (e, id) {
          var v = seen.get(id);
          if (v === undefined) { est.delete(id); return; }
          e[0] &= v & 1; e[1] &= v & 2; e[2] = Math.min(e[2], v >> 2);
        });
      }
      return Array.from(est.entries()).sort(function (a, b) {
        return (b[1][0] - a[1][0]) || (b[1][1] - a[1][1]) || (b[1][2] - a[1][2]) || (a[0] - b[0]);
      }).map(function (e) { return { id: e[0], title: e[1][0] }; });
    });
  }

  function count(hay, needle) {
    var n = 0;
    for (var at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + needle.length)) n++;
    return n;
  }

  // The exact match of one article, or null when its bigrams only sit apart.
  function judge(id, doc, q, table) {
    var title = foldMap(doc.t, table), body = foldMap(doc.b, table);
    var folds = doc.g.map(function (t) { return foldMap(t, table); });
    var tags = folds.map(function (f) { return f.text; });
    var inTags = function (t) { return tags.some(function (g) { return g.indexOf(t) >= 0; }); };
    var found = q.terms.every(function (t) {
      return title.text.indexOf(t) >= 0 || inTags(t) || body.text.indexOf(t) >= 0;
    });
    if (!found) return null;
    var t = title.text === q.phrase ? 3 : title.text.indexOf(q.phrase) >= 0 ? 2
      : q.terms.every(function (x) { return title.text.indexOf(x) >= 0; }) ? 1 : 0;
    var g = inTags(q.phrase) ? 2 : q.terms.every(inTags) ? 1 : 0;
    var c = q.terms.reduce(function (s, x) { return s + count(body.text, x); }, 0);
    return { id: id, doc: doc, title: title, body: body, tags: folds, key: [t, g, c] };
  }

  function better(a, b) {
    return (b.key[0] - a.key[0]) || (b.key[1] - a.key[1]) || (b.key[2] - a.key[2]) || (a.id - b.id);
  }

  // Every match of a query, best first, with nothing shown.
  function find(index, query) {
    return index.ready().then(function () {
      var q = parse(query, index.meta.fold);
      if (!q.grams.length) return [];
      return candidates(index, q.grams).then(function (cands) {
        return Promise.all(cands.map(function (c) {
          return index.doc(c.id).then(function (d) { return judge(c.id, d, q, index.meta.fold); });
        }));
      }).then(function (rs) {
        return rs.filter(Boolean).sort(better).map(function (r) { return { url: r.doc.u, key: r.key }; });
      });
    });
  }

  window.feedsiteIndex = {
    Index: Index, foldMap: foldMap, parse: parse, candidates: candidates, judge: judge,
    better: better, find: find
  };
})();
