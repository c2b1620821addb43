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
  // snowballstem.org/algorithms/danish, as PyStemmer 2.x implements it (undouble skips "c").
  var VOWELS = "aeiouyæåø";
  var S_ENDING = "abcdfghjklmnoprtvyzå";
  var UNDOUBLE = "bdfghjklmnpqrstvwxz";
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
  function Vocabulary(df) {
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
  Vocabulary.prototype.near = function (t, maxDistance) {
    var found = [];
    for (var n = t.length - maxDistance; n <= t.length + maxDistance; n++) {
      var group = this.byLength.get(n) || [];
      for (var k = 0; k < group.length; k++) {
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
    var termCache = new Map();

    function normalize(text) {
      var t = codePoints(String(text).normalize("NFKC"), tables.max_query_chars * 2).toLowerCase();
      return codePoints(t, tables.max_query_chars);
    }

    function fold(word) {
      var out = "";
      for (var ch of word.toLowerCase()) out += Object.prototype.hasOwnProperty.call(foldMap, ch) ? foldMap[ch] : ch;
      if (ASCII.test(out)) return out;
      return out.normalize("NFKD").replace(MARKS, "");
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

    function knownPart(part, vocab) {
      if (part.length < MIN_PART || stop.has(part)) return null;
      var t = term(part);
      return vocab.has(t) ? t : null;
    }

    function splitCompound(word, vocab) {
      if (word.length < 2 * MIN_PART) return null;
      var own = term(word);
      var best = null;
      for (var i = MIN_PART; i <= word.length - MIN_PART; i++) {
        var head = knownPart(word.slice(i), vocab);
        if (head === null) continue;
        var lefts = [word.slice(0, i)];
        for (var k = 0; k < linking.length; k++) if (word[i - 1] === linking[k]) lefts.push(word.slice(0, i - 1));
        for (k = 0; k < lefts.length; k++) {
          var left = knownPart(lefts[k], vocab);
          if (left === null || left === own) continue;
          var rank = [Math.min(lefts[k].length, word.length - i), -i];
          if (best === null || rank[0] > best[0] || (rank[0] === best[0] && rank[1] > best[1])) {
            best = [rank[0], rank[1], [left, head]];
          }
        }
      }
      return best ? best[2] : null;
    }

    function maxTypoDistance(t) {
      return t.length < 4 ? 0 : t.length < 8 ? 1 : 2;
    }

    function corrections(t, vocab) {
      var limit = maxTypoDistance(t);
      if (limit === 0) return [];
      var found = vocab.near(t, limit);
      if (!found.length) return [];
      var best = Math.min.apply(null, found.map(function (f) { return f[0]; }));
      var ranked = found.filter(function (f) { return f[0] === best; }).map(function (f) { return f[1]; });
      ranked.sort(function (a, b) {
        return vocab.df.get(b) - vocab.df.get(a) || (a < b ? -1 : a > b ? 1 : 0);
      });
      return ranked.slice(0, tables.max_corrections);
    }

    function wordClauses(word, vocab) {
      var t = term(word);
      if (vocab.has(t)) return [[[t, 1.0]]];
      var split = splitCompound(word, vocab);
      if (split !== null) {
        return split.map(function (part) { return [[t, 1.0], [part, tables.compound_part_weight]]; });
      }
      return [[[t, 1.0]].concat(corrections(t, vocab).map(function (c) { return [c, tables.typo_weight]; }))];
    }

    function joinTerm(left, right, vocab) {
      if (left.length < MIN_PART || right.length < MIN_PART) return null;
      var links = [""].concat(linking);
      for (var k = 0; k < links.length; k++) {
        var joined = term(left + links[k] + right);
        if (vocab.has(joined)) return joined;
      }
      return null;
    }

    function withAlt(clause, alt) {
      return clause.some(function (a) { return a[0] === alt[0]; }) ? clause : clause.concat([alt]);
    }

    function clauses(ws, vocab) {
      var perWord = ws.map(function (w) { return wordClauses(w, vocab); });
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

    function synonymSpans(ws, synonyms) {
      var spans = [];
      for (var n = Math.min(ws.length, 4); n >= 1; n--) {
        for (var i = 0; i + n <= ws.length; i++) {
          var values = synonyms.get(ws.slice(i, i + n).join(" ")) || [];
          for (var k = 0; k < values.length; k++) spans.push([i, i + n, values[k]]);
        }
      }
      return spans;
    }

    function analyseQuery(q, vocab, synonyms) {
      var allWords = words(normalize(q));
      var ws = contentWords(q);
      if (!ws.length) return [];
      var variants = [{ weight: 1.0, clauses: clauses(ws, vocab) }];
      var seen = new Set([JSON.stringify(variants[0].clauses)]);
      var notStop = function (w) { return !stop.has(w); };
      [ws, allWords].forEach(function (source) {
        synonymSpans(source, synonyms).forEach(function (span) {
          var replaced = source.slice(0, span[0]).filter(notStop)
            .concat(contentWords(span[2]), source.slice(span[1]).filter(notStop));
          var cs = clauses(replaced, vocab);
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
      Vocabulary: Vocabulary,
    };
  }

  var api = { create: create, snowballDanish: snowballDanish, osaDistance: osaDistance, Vocabulary: Vocabulary };
  root.ordbogAnalyzer = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
