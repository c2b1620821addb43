/* ordbog search: the in-browser engine over the static index that `ordbog build` writes.
 *
 * window.ordbog.search(query, {limit}) → Promise of [{url, slug, title, score, heading,
 * headingUrl, snippet (escaped HTML with <mark>), text, answer}]. The query is analysed like
 * `ordbog search` does (search-analyzer.js); postings hold precomputed BM25F scores per
 * (term, article), fetched shard by shard; articles are fetched only for the results shown.
 * The user interface lives in search-ui.js. Also loadable with require() for Node.
 */
(function (root) {
  "use strict";

  var MAX_LIMIT = 50;
  var PREFIX_WEIGHT = 0.6; // completions of the word being typed (as-you-type only)
  var MAX_PREFIX = 6;
  var SNIPPET_CHARS = 170;

  function fnv1a(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  function decodeVocabulary(data) {
    var df = new Map();
    var prev = "";
    var lines = data.terms ? data.terms.split("\n") : [];
    for (var i = 0; i < lines.length; i++) {
      var term = prev.slice(0, Number(lines[i][0])) + lines[i].slice(1);
      df.set(term, data.df[i]);
      prev = term;
    }
    return df;
  }

  /** The engine over one index folder; `fetchJSON(url)` → Promise of parsed JSON. */
  function createEngine(indexUrl, fetchJSON, analyzerLib) {
    var ready = null; // Promise of the loaded index: manifest, analyzer, vocabulary, synonyms
    var version = "";
    var shards = new Map();
    var docs = new Map();
    var wordCache = new Map();
    var tokenCache = new WeakMap();

    function get(name) {
      return fetchJSON(indexUrl + name + (version ? "?v=" + version : ""));
    }

    function load() {
      if (!ready) {
        ready = fetchJSON(indexUrl + "manifest.json").then(function (manifest) {
          version = manifest.version;
          return get("vocab.json").then(function (vocab) {
            var an = analyzerLib.create(manifest.tables);
            return {
              manifest: manifest,
              analyzer: an,
              vocab: an.vocabulary(decodeVocabulary(vocab)),
              synonyms: an.synonymMap(manifest.tables.synonyms),
            };
          });
        });
        ready.catch(function () { ready = null; }); // a failed load is retried by the next query
      }
      return ready;
    }

    function shard(n) {
      if (!shards.has(n)) {
        var p = get("p/" + n + ".json");
        p.catch(function () { shards.delete(n); });
        shards.set(n, p);
      }
      return shards.get(n);
    }

    function doc(n) {
      if (!docs.has(n)) {
        var p = get("d/" + n + ".json");
        p.catch(function () { docs.delete(n); });
        docs.set(n, p);
      }
      return docs.get(n);
    }

    /** Postings ("t"), title postings ("n"), extra dfs and the articles asking `asked` ("q"). */
    function postingsFor(ix, terms, asked) {
      var byShard = new Map();
      function want(n, t) {
        if (!byShard.has(n)) byShard.set(n, []);
        byShard.get(n).push(t);
      }
      terms.forEach(function (t) { want(fnv1a(t) % ix.manifest.shards, t); });
      if (asked) want(fnv1a("?" + asked) % ix.manifest.shards, null);
      var out = { impacts: new Map(), titles: new Map(), df: new Map(), asked: new Set() };
      return Promise.all(Array.from(byShard.keys()).map(function (n) {
        return shard(n).then(function (data) {
          byShard.get(n).forEach(function (t) {
            if (t === null) {
              (data.q[asked] || []).forEach(function (d) { out.asked.add(d); });
            } else {
              if (data.t[t]) out.impacts.set(t, data.t[t]);
              if (data.n[t]) out.titles.set(t, data.n[t]);
              if (data.df[t]) out.df.set(t, data.df[t]);
            }
          });
        });
      })).then(function () { return out; });
    }

    /** engine.question_key: the sorted, distinct content terms of a question ("" if short). */
    function questionKey(an, q) {
      if (Array.from(q).length <= 8) return "";
      var terms = new Set();
      an.words(q).forEach(function (w) { if (!an.isStopword(w)) terms.add(an.term(w)); });
      return Array.from(terms).sort().join(" ");
    }

    /** Completions of the last word while it is being typed: vocabulary terms it begins. */
    function withCompletions(ix, query, q) {
      if (!query.length || /\s$/.test(q)) return query;
      var ws = ix.analyzer.words(ix.analyzer.normalize(q));
      var last = ws.length ? ix.analyzer.term(ws[ws.length - 1]) : "";
      if (last.length < 3) return query;
      var found = [];
      ix.vocab.df.forEach(function (df, t) {
        if (t.length > last.length && t.lastIndexOf(last, 0) === 0) found.push([t, df]);
      });
      found.sort(function (a, b) { return b[1] - a[1]; });
      var extra = found.slice(0, MAX_PREFIX).map(function (f) { return [f[0], PREFIX_WEIGHT]; });
      return query.map(function (v) {
        var clauses = v.clauses.slice();
        var i = clauses.length - 1;
        clauses[i] = clauses[i].concat(extra.filter(function (e) {
          return !clauses[i].some(function (a) { return a[0] === e[0]; });
        }));
        return { weight: v.weight, clauses: clauses };
      });
    }

    function termsOf(query) {
      var terms = new Set();
      query.forEach(function (v) {
        v.clauses.forEach(function (c) { c.forEach(function (a) { terms.add(a[0]); }); });
      });
      return terms;
    }

    // ---- ranking: a port of ordbog/search/engine.py (Searcher.score_variant, title_bonus)

    function idf(ix, found, t) {
      var df = ix.vocab.df.get(t) || found.df.get(t) || 0;
      return df ? Math.log(1 + ix.manifest.docs / df) : 0;
    }

    /** Doc → TITLE_BONUS × (share of a title's terms in the query) × (share of the query in it). */
    function titleBonus(variant, found) {
      var lists = new Map(); // "doc list" → {doc, length, names, clauses}
      var seen = new Set();
      variant.clauses.forEach(function (clause, ci) {
        clause.forEach(function (alt) {
          var rows = found.titles.get(alt[0]) || [];
          for (var i = 0; i < rows.length; i += 4) {
            var key = rows[i] + " " + rows[i + 1];
            if (!lists.has(key)) lists.set(key, { doc: rows[i], length: rows[i + 3], names: 0, clauses: new Set() });
            var entry = lists.get(key);
            entry.clauses.add(ci);
            if (!seen.has(key + " " + alt[0])) {
              seen.add(key + " " + alt[0]);
              entry.names += rows[i + 2];
            }
          }
        });
      });
      var bonus = new Map();
      var n = Math.max(1, variant.clauses.length);
      lists.forEach(function (e) {
        var b = (e.names / e.length) * (e.clauses.size / n);
        if (b > (bonus.get(e.doc) || 0)) bonus.set(e.doc, b);
      });
      return bonus;
    }

    function scoreVariant(ix, variant, found) {
      var scale = ix.manifest.scale;
      var total = new Map();
      var covered = new Map();
      var weights = variant.clauses.map(function (clause) {
        return clause.reduce(function (m, alt) { return Math.max(m, idf(ix, found, alt[0]) * alt[1]); }, 0);
      });
      variant.clauses.forEach(function (clause, ci) {
        var best = new Map();
        clause.forEach(function (alt) {
          var list = found.impacts.get(alt[0]) || [];
          for (var i = 0; i < list.length; i += 2) {
            var s = alt[1] * list[i + 1] / scale;
            if (s > (best.get(list[i]) || 0)) best.set(list[i], s);
          }
        });
        best.forEach(function (s, d) {
          total.set(d, (total.get(d) || 0) + s);
          covered.set(d, (covered.get(d) || 0) + weights[ci]);
        });
      });
      var all = weights.reduce(function (a, b) { return a + b; }, 0) || 1;
      var bonus = titleBonus(variant, found);
      var out = new Map();
      total.forEach(function (s, d) {
        out.set(d, s * Math.pow(covered.get(d) / all, ix.manifest.ranking.coverage_power) + ix.manifest.ranking.title_bonus * (bonus.get(d) || 0));
      });
      return out;
    }

    /** [doc, score] best first (ties: lower doc number = slug order): best variant × its weight. */
    function rank(ix, query, found) {
      var best = new Map();
      query.forEach(function (v) {
        scoreVariant(ix, v, found).forEach(function (s, d) {
          s = s * v.weight + (found.asked.has(d) ? ix.manifest.ranking.question_bonus : 0);
          if (!best.has(d) || s > best.get(d)) best.set(d, s);
        });
      });
      return Array.from(best.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    }

    /** A word's term and compound parts, remembered across queries (snippets re-read the same articles). */
    function wordTerms(ix, word) {
      var known = wordCache.get(word);
      if (known === undefined) {
        known = [ix.analyzer.term(word)];
        var parts = word.length >= 6 ? ix.analyzer.splitCompound(word, ix.vocab) : null;
        if (parts) known = known.concat(parts);
        if (wordCache.size > 100000) wordCache.clear();
        wordCache.set(word, known);
      }
      return known;
    }

    function matcher(ix, query) {
      var wanted = new Set();
      query.forEach(function (v) { v.clauses.forEach(function (c) { c.forEach(function (a) { wanted.add(a[0]); }); }); });
      return function (terms) {
        for (var i = 0; i < terms.length; i++) if (wanted.has(terms[i])) return true;
        return false;
      };
    }

    /** The words of a text with their positions and terms (kept per passage: articles come back). */
    function tokens(ix, text) {
      var out = [];
      var re = /[\p{L}\p{N}]+/gu;
      var m;
      while ((m = re.exec(text)) !== null) {
        out.push({ start: m.index, end: m.index + m[0].length, terms: wordTerms(ix, ix.analyzer.fold(m[0])) });
      }
      return out;
    }

    function marks(ix, p, which, isMatch) {
      var cached = tokenCache.get(p);
      if (!cached) {
        cached = [tokens(ix, p[1]), tokens(ix, p[3])];
        tokenCache.set(p, cached);
      }
      return cached[which].map(function (t) { return { start: t.start, end: t.end, hit: isMatch(t.terms) }; });
    }

    function countHits(ws) {
      var n = 0;
      for (var i = 0; i < ws.length; i++) if (ws[i].hit) n++;
      return n;
    }

    function bestPassage(ix, record, isMatch) {
      var best = null;
      record.p.forEach(function (p, i) {
        var headWords = marks(ix, p, 0, isMatch);
        var textWords = marks(ix, p, 1, isMatch);
        var s = 3 * countHits(headWords) + Math.min(countHits(textWords), 6) + (i === 0 ? 0.5 : 0);
        if (!best || s > best.score) best = { score: s, passage: p, words: textWords, headHits: countHits(headWords) };
      });
      return best;
    }

    /** The window of the passage with the most matching words, as escaped HTML and plain text. */
    function snippet(text, ws) {
      var start = 0;
      var bestHits = -1;
      for (var i = 0; i < ws.length; i++) {
        if (i > 0 && !ws[i].hit) continue;
        var hits = 0;
        for (var j = i; j < ws.length && ws[j].end - ws[i].start <= SNIPPET_CHARS; j++) if (ws[j].hit) hits++;
        if (hits > bestHits) { bestHits = hits; start = i === 0 || ws[i].start < 40 ? 0 : ws[i].start; }
      }
      if (start > 0) {
        var back = text.lastIndexOf(". ", start);
        if (back >= 0 && start - back < 60) start = back + 2;
      }
      var end = Math.min(text.length, start + SNIPPET_CHARS);
      if (end < text.length) {
        var cut = text.lastIndexOf(" ", end);
        if (cut > start + 40) end = cut;
      }
      var html = "";
      var pos = start;
      ws.forEach(function (w) {
        if (!w.hit || w.start < start || w.end > end) return;
        html += escapeHtml(text.slice(pos, w.start)) + "<mark>" + escapeHtml(text.slice(w.start, w.end)) + "</mark>";
        pos = w.end;
      });
      html += escapeHtml(text.slice(pos, end));
      var pre = start > 0 ? "… " : "";
      var post = end < text.length ? " …" : "";
      return { html: pre + html + post, text: pre + text.slice(start, end) + post };
    }

    function result(ix, record, s, isMatch) {
      var best = bestPassage(ix, record, isMatch);
      var out = { url: record.url, slug: record.slug, title: record.title, score: Math.round(s * 1000) / 1000,
        heading: "", headingUrl: "", snippet: "", text: "", answer: null };
      if (!best) return out;
      var p = best.passage;
      var snip = snippet(p[3], best.words);
      out.snippet = snip.html;
      out.text = snip.text;
      if (p[1]) {
        out.heading = p[1];
        out.headingUrl = p[2] ? record.url + "#" + encodeURIComponent(p[2]) : record.url;
      }
      if (p[0] === "faq" && best.headHits > 0) out.answer = { question: p[1], text: p[3], url: out.headingUrl };
      return out;
    }

    function search(q, options) {
      options = options || {};
      var wanted = options.limit === undefined ? 10 : Number(options.limit);
      var limit = isFinite(wanted) ? Math.max(0, Math.min(MAX_LIMIT, Math.floor(wanted))) : 10;
      var text = typeof q === "string" ? q : String(q == null ? "" : q);
      return load().then(function (ix) {
        var query = ix.analyzer.analyseQuery(text, ix.vocab, ix.synonyms);
        if (options.prefix) query = withCompletions(ix, query, text);
        if (!query.length || !limit) return [];
        return postingsFor(ix, termsOf(query), questionKey(ix.analyzer, text)).then(function (postings) {
          var ranked = rank(ix, query, postings).slice(0, limit);
          var isMatch = matcher(ix, query);
          return Promise.all(ranked.map(function (r) { return doc(r[0]); })).then(function (records) {
            return records.map(function (record, i) { return result(ix, record, ranked[i][1], isMatch); });
          });
        });
      });
    }

    return { search: search, load: load };
  }

  var api = { createEngine: createEngine, fnv1a: fnv1a, escapeHtml: escapeHtml };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (typeof document === "undefined") return;

  var script = document.currentScript;
  var indexUrl = script && script.getAttribute("data-index");
  if (!indexUrl || !root.ordbogAnalyzer) return;
  var engine = createEngine(indexUrl, function (url) {
    // the manifest names the index version: always revalidate it; versioned files may be cached
    return fetch(url, { cache: /manifest\.json$/.test(url) ? "no-cache" : "default" }).then(function (r) {
      if (!r.ok) throw new Error("search index: " + r.status + " " + url);
      return r.json();
    });
  }, root.ordbogAnalyzer);
  root.ordbog = root.ordbog || {};
  root.ordbog.search = engine.search;
  root.ordbog.searchIndex = engine.load;
})(typeof window !== "undefined" ? window : globalThis);
