/* ordbog search: Danish query analysis, a port of ordbog/search/analyzer.py and query.py.
 *
 * Query text + vocabulary + synonyms → variants of clauses, exactly as `ordbog search` builds
 * them (tests/data/search_analyzer_cases.json is run against both). The data tables come from
 * the index manifest (analyzer.export_tables()); Snowball Danish is implemented below.
 * Exposes `ordbogAnalyzer.create(tables)`; also loadable with require() for Node.
 */
(function (root) {
  "use strict";

  // ------------------------------------------------------------ Snowball Danish
  // snowballstem.org/algorithms/danish, as PyStemmer 2.x implements it (its undouble step only
  // applies to the consonants in UNDOUBLE: "succes" → "succ", "aahh" stays).
  var VOWELS = "aeiouyæåø";
  var S_ENDING = "abcdfghjklmnoprtvyzå";
  var UNDOUBLE = "bdfgklmnprst"; // the consonants PyStemmer undoubles
  var MAIN_SUFFIXES = [
    "erendes", "erende", "hedens", "ethed", "erede", "heden", "heder", "endes", "ernes", "erens",
    "erets", "ered", "ende", "erne", "eren", "erer", "heds", "enes", "eres", "eret", "hed", "ene",
    "ere", "ens", "ers", "ets", "en", "er", "es", "et", "e",
  ];
  var OTHER_SUFFIXES = ["elig", "løst", "lig", "els", "ig"];

  function regionR1(w) {
    var i = 0;
    while (i < w.length && VOWELS.indexOf(w[i]) < 0) i++;
    while (i < w.length && VOWELS.indexOf(w[i]) >= 0) i++;
    if (i >= w.length) return w.length;
    return Math.max(i + 1, 3);
  }

  function snowballDanish(word) {
    if (Array.from(word).length < 3) return word; // Snowball's "hop 3" fails: nothing to do
    var w = word;
    var p1 = regionR1(w);
    var i, s;
    var removed = false;
    for (i = 0; i < MAIN_SUFFIXES.length; i++) {
      s = MAIN_SUFFIXES[i];
      if (w.length - s.length >= p1 && w.slice(-s.length) === s) {
        w = w.slice(0, -s.length);
        removed = true;
        break;
      }
    }
    if (!removed && w.length - 1 >= p1 && w[w.length - 1] === "s" && S_ENDING.indexOf(w[w.length - 2]) >= 0) {
      w = w.slice(0, -1);
    }
    function consonantPair() {
      var end = w.slice(-2);
      if (w.length - 2 >= p1 && (end === "gd" || end === "dt" || end === "gt" || end === "kt")) w = w.slice(0, -1);
    }
    consonantPair();
    if (w.slice(-4) === "igst") w = w.slice(0, -2);
    for (i = 0; i < OTHER_SUFFIXES.length; i++) {
      s = OTHER_SUFFIXES[i];
      if (w.length - s.length >= p1 && w.slice(-s.length) === s) {
        if (s === "løst") {
          w = w.slice(0, -1);
        } else {
          w = w.slice(0, -s.length);
          consonantPair();
        }
        break;
      }
    }
    var n = w.length;
    if (n - 1 >= p1 && UNDOUBLE.indexOf(w[n - 1]) >= 0 && w[n - 1] === w[n - 2]) w = w.slice(0, -1);
    return w;
  }

  // ------------------------------------------------------------ helpers

  var WORD = /[\p{L}\p{N}]+/gu;
  var ASCII = /^[\x00-\x7f]*$/;
  var MARKS = /\p{Mn}/gu;

  function codePoints(text, n) {
    var out = "";
    var count = 0;
    for (var ch of text) {
      if (count++ >= n) break;
      out += ch;
    }
    return out;
  }

  function formatWeight(w) {
    return String(Number(w.toPrecision(6)));
  }

  function byWeightThenTerm(a, b) {
    return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  }

  /** Optimal string alignment distance, giving up (limit + 1) once it must exceed `limit`. */
  function osaDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = [];
    var prev = [];
    var j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      var cur = [i];
      var rowMin = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur.push(v);
        if (v < rowMin) rowMin = v;
      }
      if (rowMin > limit) return limit + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  /** Term → df, with terms grouped by length for typo lookup (query.Vocabulary). */
  function Vocabulary(df, stopwords, minPart) {
    this.stop = stopwords || new Set();
    this.minPart = minPart || 3;
    this.df = df instanceof Map ? df : new Map(Object.entries(df || {}));
    this.byLength = new Map();
    var sorted = Array.from(this.df.keys()).sort();
    for (var k = 0; k < sorted.length; k++) {
      var t = sorted[k];
      if (!this.byLength.has(t.length)) this.byLength.set(t.length, []);
      this.byLength.get(t.length).push(t);
    }
  }
  Vocabulary.prototype.has = function (t) {
    return this.df.has(t);
  };
  /** Terms that start with `prefix` (longer than it), highest df first, then alphabetical. */
  Vocabulary.prototype.completions = function (prefix) {
    if (!this.sorted) this.sorted = Array.from(this.df.keys()).sort();
    var lo = 0;
    var hi = this.sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (this.sorted[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    var found = [];
    for (var i = lo; i < this.sorted.length && this.sorted[i].lastIndexOf(prefix, 0) === 0; i++) {
      if (this.sorted[i] !== prefix) found.push(this.sorted[i]);
    }
    var df = this.df;
    return found.sort(function (a, b) { return df.get(b) - df.get(a) || (a < b ? -1 : a > b ? 1 : 0); });
  };

  Vocabulary.prototype.near = function (t, maxDistance) {
    var found = [];
    for (var n = Math.max(this.minPart, t.length - maxDistance); n <= t.length + maxDistance; n++) {
      var group = this.byLength.get(n) || [];
      for (var k = 0; k < group.length; k++) {
        if (this.stop.has(group[k])) continue;
        var d = osaDistance(t, group[k], maxDistance);
        if (d <= maxDistance) found.push([d, group[k]]);
      }
    }
    return found;
  };

  // ------------------------------------------------------------ the analyzer

  function create(tables) {
    var foldMap = tables.fold_map;
    var respellMap = tables.respell_map;
    var stop = new Set(tables.stopwords);
    var irregular = new Map(Object.entries(tables.irregular));
    var stemFixes = new Map(Object.entries(tables.stem_fixes));
    var protectedEndings = tables.protected_endings;
    var linking = tables.linking_letters;
    var MIN_PART = tables.min_part;
    var shortParts = new Set(tables.short_parts || []);
    var weakWords = new Set(tables.weak_words || []);
    var termCache = new Map();

    function normalize(text) {
      var t = codePoints(String(text).normalize("NFKC"), tables.max_query_chars * 2).toLowerCase();
      return codePoints(t, tables.max_query_chars);
    }

    function fold(word) {
      var out = "";
      for (var ch of word.toLowerCase()) out += Object.prototype.hasOwnProperty.call(foldMap, ch) ? foldMap[ch] : ch;
      if (ASCII.test(out)) return out;
      return out.normalize("NFKD").replace(MARKS, "").toLowerCase();
    }

    function words(text) {
      return (String(text).toLowerCase().match(WORD) || []).map(fold);
    }

    function respell(word) {
      return word.replace(/ae|oe|aa/g, function (m) {
        return respellMap[m];
      });
    }

    function term(word) {
      var cached = termCache.get(word);
      if (cached !== undefined) return cached;
      var result = termUncached(word);
      if (termCache.size > 50000) termCache.clear();
      termCache.set(word, result);
      return result;
    }

    function termUncached(word) {
      if (irregular.has(word)) return irregular.get(word);
      var stem = fold(snowballDanish(respell(word)));
      if (stemFixes.has(stem)) stem = stemFixes.get(stem);
      for (var k = 0; k < protectedEndings.length; k++) {
        var ending = protectedEndings[k];
        var at = word.lastIndexOf(ending);
        if (at >= 0 && stem.length < at + ending.length && word.slice(0, at + ending.length).startsWith(stem.slice(0, at))) {
          return word.slice(0, at + ending.length);
        }
      }
      return stem;
    }

    function knownPart(part, vocab, relaxed) {
      if (part.length < MIN_PART || stop.has(part)) return null;
      var t = term(part);
      if (!vocab.has(t) && vocab.has(part)) t = part;
      if (!vocab.has(t) || stop.has(t) || (t.length < 4 && !relaxed && !shortParts.has(t))) return null;
      return t;
    }

    /** Best two-part split into vocabulary terms (parts at least as common as the word itself). */
    function splitCompound(word, vocab, relaxed) {
      if (word.length < 2 * MIN_PART) return null;
      var own = term(word);
      var floor = vocab.df.get(own) || 0;
      var best = null;
      for (var i = MIN_PART; i <= word.length - MIN_PART; i++) {
        var head = knownPart(word.slice(i), vocab, relaxed);
        if (head === null || vocab.df.get(head) < floor) continue;
        var lefts = [word.slice(0, i)];
        for (var k = 0; k < linking.length; k++) if (word[i - 1] === linking[k]) lefts.push(word.slice(0, i - 1));
        for (k = 0; k < lefts.length; k++) {
          var left = knownPart(lefts[k], vocab, relaxed);
          if (left === null || left === own || vocab.df.get(left) < floor) continue;
          var rank = [Math.min(lefts[k].length, word.length - i), -i];
          if (best === null || rank[0] > best[0] || (rank[0] === best[0] && rank[1] > best[1])) {
            best = [rank[0], rank[1], [left, head]];
          }
        }
      }
      return best ? best[2] : null;
    }

    /** Edits allowed for a typed word of this length (the word, not its shorter stem). */
    function maxTypoDistance(word) {
      return word.length < 4 ? 0 : word.length < 7 ? 1 : 2;
    }

    /** [term, edits] of the closest vocabulary terms: best distance, then df, then alphabetical. */
    function corrections(word, t, vocab) {
      var limit = maxTypoDistance(word);
      if (limit === 0) return [];
      var found = new Map();
      var near = (t.length >= 5 ? vocab.near(t, limit) : []).concat(vocab.near(word, limit));
      near.forEach(function (f) {
        found.set(f[1], found.has(f[1]) ? Math.min(found.get(f[1]), f[0]) : f[0]);
      });
      if (!found.size) return [];
      var best = Math.min.apply(null, Array.from(found.values()));
      var ranked = Array.from(found.keys()).filter(function (c) { return found.get(c) === best; });
      ranked.sort(function (a, b) {
        return vocab.df.get(b) - vocab.df.get(a) || (a < b ? -1 : a > b ? 1 : 0);
      });
      return ranked.slice(0, tables.max_corrections).map(function (c) { return [c, best]; });
    }

    function roundTo2(x) {
      return Math.round(x * 100) / 100;
    }

    function wordClauses(word, vocab, synonyms) {
      var t = term(word);
      var split = splitCompound(word, vocab);
      var clauses;
      if (split !== null) { // "knæsmerter" also finds "smerter i knæet"
        clauses = split.map(function (part) { return [[t, 1.0], [part, tables.compound_part_weight]]; });
      } else if (vocab.has(t)) {
        clauses = [[[t, 1.0]]];
      } else {
        var fixes = corrections(word, t, vocab).map(function (c) {
          return [c[0], roundTo2(Math.pow(tables.typo_weight, c[1]))];
        });
        if (!fixes.length && word.length >= tables.min_completion) { // a word cut short: "kondi" → "kondition"
          fixes = vocab.completions(word).slice(0, tables.max_corrections).map(function (c) { return [c, tables.typo_weight]; });
        }
        var rescue = fixes.length ? null : splitCompound(word, vocab, true);
        if (rescue !== null) {
          clauses = rescue.map(function (part) { return [[t, 1.0], [part, tables.compound_part_weight]]; });
        } else {
          clauses = [[[t, 1.0]].concat(fixes)];
        }
      }
      (synonyms.get(word) || []).forEach(function (value) {
        var valueWords = contentWords(value);
        if (valueWords.length === 1) {
          clauses = clauses.map(function (c) { return withAlt(c, [term(valueWords[0]), tables.synonym_weight]); });
        }
      });
      if (weakWords.has(word)) {
        clauses = clauses.map(function (c) {
          return c.map(function (a) { return [a[0], roundTo2(a[1] * tables.weak_word_weight)]; });
        });
      }
      return clauses;
    }

    function joinTerm(left, right, vocab) {
      if (left.length < MIN_PART || right.length < MIN_PART) return null;
      var stems = left === term(left) ? [left] : [left, term(left)];
      var links = [""].concat(linking);
      for (var j = 0; j < stems.length; j++) {
        for (var k = 0; k < links.length; k++) {
          var joined = term(stems[j] + links[k] + right);
          if (vocab.has(joined)) return joined;
        }
      }
      return null;
    }

    function withAlt(clause, alt) {
      return clause.some(function (a) { return a[0] === alt[0]; }) ? clause : clause.concat([alt]);
    }

    function clauses(ws, vocab, synonyms) {
      var perWord = ws.map(function (w) { return wordClauses(w, vocab, synonyms); });
      for (var i = 0; i < ws.length - 1; i++) {
        var joined = joinTerm(ws[i], ws[i + 1], vocab);
        if (joined !== null) {
          var last = perWord[i].length - 1;
          perWord[i][last] = withAlt(perWord[i][last], [joined, 1.0]);
          perWord[i + 1][0] = withAlt(perWord[i + 1][0], [joined, 1.0]);
        }
      }
      var out = [];
      perWord.forEach(function (cs) {
        cs.forEach(function (c) { out.push(c.slice().sort(byWeightThenTerm)); });
      });
      return out;
    }

    function contentWords(q) {
      var ws = words(normalize(q));
      var kept = ws.filter(function (w) { return !stop.has(w); });
      return kept.length ? kept : ws;
    }

    /** [start, end, value] of synonym keys in ws, except one word → one word (those are alternatives). */
    function phraseSpans(ws, synonyms) {
      var spans = [];
      for (var n = Math.min(ws.length, 4); n >= 1; n--) {
        for (var i = 0; i + n <= ws.length; i++) {
          var values = synonyms.get(ws.slice(i, i + n).join(" ")) || [];
          for (var k = 0; k < values.length; k++) {
            if (n > 1 || contentWords(values[k]).length > 1) spans.push([i, i + n, values[k]]);
          }
        }
      }
      return spans;
    }

    function compareSpans(a, b) {
      return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
    }

    function substitute(source, spans) {
      var out = [];
      var pos = 0;
      var notStop = function (w) { return !stop.has(w); };
      spans.slice().sort(compareSpans).forEach(function (span) {
        out = out.concat(source.slice(pos, span[0]).filter(notStop), contentWords(span[2]));
        pos = span[1];
      });
      return out.concat(source.slice(pos).filter(notStop));
    }

    function disjoint(spans) {
      var taken = [];
      spans.forEach(function (span) {
        if (taken.every(function (t) { return span[1] <= t[0] || span[0] >= t[1]; })) taken.push(span);
      });
      return taken;
    }

    function analyseQuery(q, vocab, synonyms) {
      var allWords = words(normalize(q));
      var ws = contentWords(q);
      if (!ws.length) return [];
      var variants = [{ weight: 1.0, clauses: clauses(ws, vocab, synonyms) }];
      var seen = new Set([JSON.stringify(variants[0].clauses)]);
      // synonym keys may contain stopwords ("ondt i ryggen"), so match on all words too
      [ws, allWords].forEach(function (source) {
        var spans = phraseSpans(source, synonyms);
        var choices = (spans.length > 1 ? [disjoint(spans)] : []).concat(spans.map(function (s) { return [s]; }));
        choices.forEach(function (chosen) {
          var cs = clauses(substitute(source, chosen), vocab, synonyms);
          var key = JSON.stringify(cs);
          if (cs.length && !seen.has(key) && variants.length < tables.max_variants) {
            seen.add(key);
            variants.push({ weight: tables.synonym_weight, clauses: cs });
          }
        });
      });
      return variants;
    }

    function describe(query) {
      return query.map(function (v) {
        return formatWeight(v.weight) + ": " + v.clauses.map(function (c) {
          return c.map(function (a) { return a[1] === 1.0 ? a[0] : a[0] + "^" + formatWeight(a[1]); }).join("|");
        }).join(" ");
      });
    }

    function synonymMap(table) {
      var m = new Map();
      Object.keys(table || {}).forEach(function (k) { m.set(k, table[k]); });
      return m;
    }

    return {
      normalize: normalize,
      fold: fold,
      words: words,
      respell: respell,
      term: term,
      isStopword: function (w) { return stop.has(w); },
      splitCompound: splitCompound,
      contentWords: contentWords,
      analyseQuery: analyseQuery,
      describe: describe,
      synonymMap: synonymMap,
      vocabulary: function (df) { return new Vocabulary(df, stop, MIN_PART); },
    };
  }

  var api = { create: create, snowballDanish: snowballDanish, osaDistance: osaDistance, Vocabulary: Vocabulary };
  root.ordbogAnalyzer = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
