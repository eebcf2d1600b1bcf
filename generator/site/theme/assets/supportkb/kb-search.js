/* supportkb site search (`search: kb`): agent search's ranking in the page, from a static index.
 *
 * The build (generator/site/static_index.py) writes search/kb/index.json and shards of words by
 * prefix: each shard maps every word the articles contain to its stem and holds each stem's
 * BM25F frequencies (field weights and length norms already applied). A query loads only the
 * shards of its words, sums BM25 per term, re-ranks the best articles by their best section (as
 * search/query.py does), and loads the few result files it shows. Nothing needs a stemmer here:
 * a word the articles never contain has no postings anyway; a few endings are tried, then the
 * closest known spelling.
 *
 * With a search endpoint (`search_endpoint`, the API of `kb api`), the API answers first and the
 * static index takes over when it fails or is slow. Internal articles are in neither answer.
 *
 * Hooks other tools read (a contract, shared by every engine): [data-kb-search] on the input,
 * [data-kb-result] on each result link in rank order, data-kb-search-state="loading|done|empty"
 * on the results container.
 */
(function () {
  "use strict";

  var LIMIT = 10;
  var DEBOUNCE_MS = 40;
  var LIVE_DEBOUNCE_MS = 150;  // Each pause asks the API: wait a little longer between keys.
  var LIVE_TIMEOUT_MS = 1200;
  var MAX_TERMS = 32;
  var MAX_WORD = 40;
  var SNIPPET_CHARS = 200;
  var FEW_HITS = 3;
  var WORD = /[\p{L}\p{N}_]+(?:[.'\u2019][\p{L}\p{N}_]+)*/gu;
  var QUOTED = /"([^"]*)"/g;
  var ENDINGS = [["'s", ""], ["\u2019s", ""], ["ies", "y"], ["es", ""], ["s", ""], ["ing", ""], ["ing", "e"], ["ed", ""], ["ed", "e"], ["ly", ""]];

  /* ---- the index: meta, shards by word prefix, result files ------------------------------ */

  function siteBase() {
    var config = document.getElementById("__config");
    var base = ".";
    if (config) {
      try { base = JSON.parse(config.textContent).base || "."; } catch (e) { base = "."; }
    }
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  var BASE = siteBase();
  var INDEX = new URL("search/kb/", BASE);
  var meta = null;
  var metaPromise = null;
  var shards = {};
  var docs = {};

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("search index: " + response.status + " for " + url);
      return response.json();
    });
  }

  function loadMeta() {
    if (!metaPromise) {
      metaPromise = getJSON(new URL("index.json", INDEX)).then(function (data) {
        data.keySet = new Set(data.keys);
        data.maxKey = data.keys.reduce(function (m, k) { return Math.max(m, Array.from(k).length); }, 0);
        data.stopSet = new Set(data.stop);
        data.synonymIndex = synonymIndex(data.synonyms || []);
        meta = data;
        return data;
      });
      metaPromise.catch(function () { metaPromise = null; });  // A failed load may be retried.
    }
    return metaPromise;
  }

  function hex(text) {
    return Array.prototype.map.call(new TextEncoder().encode(text), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function shardKey(word) {
    var chars = Array.from(word);
    for (var n = Math.min(meta.maxKey, chars.length); n > 0; n--) {
      var key = chars.slice(0, n).join("");
      if (meta.keySet.has(key)) return key;
    }
    return null;
  }

  function loadShard(key) {
    if (key === null) return Promise.resolve(null);
    if (!shards[key]) {
      shards[key] = getJSON(new URL("w/" + hex(key) + ".json", INDEX)).then(function (data) {
        data.decoded = {};
        shards[key].value = data;
        return data;
      });
      shards[key].catch(function () { delete shards[key]; });
    }
    return shards[key];
  }

  function loaded(word) {
    var key = shardKey(word);
    var promise = key === null ? null : shards[key];
    return promise && promise.value ? promise.value : null;
  }

  function loadDoc(number) {
    if (!docs[number]) {
      docs[number] = getJSON(new URL("d/" + number + ".json", INDEX));
      docs[number].catch(function () { delete docs[number]; });
    }
    return docs[number];
  }

  /* ---- words -> stems -------------------------------------------------------------------- */

  function tokenize(text) {
    return (text.toLowerCase().match(WORD) || []).filter(function (w) { return Array.from(w).length <= MAX_WORD; });
  }

  function stemOf(word) {
    var shard = loaded(word);
    if (!shard) return null;
    var stem = shard.w[word];
    if (stem === undefined) return null;
    return stem === "" ? word : stem;
  }

  function postings(stem) {
    var shard = loaded(stem);
    if (!shard) return null;
    var cached = shard.decoded[stem];
    if (cached) return cached;
    var raw = shard.p[stem];
    if (!raw) return null;
    var articles = new Map();
    var doc = 0;
    for (var i = 0; i < raw.a.length; i += 2) {
      doc += raw.a[i];
      articles.set(doc, raw.a[i + 1] / meta.scale);
    }
    var sections = new Map();
    var s = raw.s || [];
    doc = 0;
    for (var j = 0; j < s.length; j += 3) {
      doc += s[j];
      var bySection = sections.get(doc);
      if (!bySection) sections.set(doc, bySection = new Map());
      bySection.set(s[j + 1], s[j + 2] / meta.scale);
    }
    var count = s.length / 3;
    return (shard.decoded[stem] = { articles: articles, sections: sections, sectionCount: count });
  }

  /* A word the corpus lacks, with a common ending taken off, may be one it has ("refunds"). */
  function knownVariant(word) {
    for (var i = 0; i < ENDINGS.length; i++) {
      var ending = ENDINGS[i][0];
      if (word.length > ending.length + 2 && word.slice(-ending.length) === ending) {
        var variant = word.slice(0, -ending.length) + ENDINGS[i][1];
        var stem = stemOf(variant);
        if (stem !== null) return stem;
      }
    }
    return null;
  }

  /* Articles holding a stem, counted without decoding its postings (one [delta, weight] pair each):
     spelling and completion ask this of every word in a shard. */
  function frequency(stem) {
    var shard = loaded(stem);
    var raw = shard && shard.p[stem];
    return raw ? raw.a.length / 2 : 0;
  }

  /* Damerau-Levenshtein distance, stopping early past `limit`. */
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var previous2 = null, previous = [], current;
    for (var j = 0; j <= b.length; j++) previous[j] = j;
    for (var i = 1; i <= a.length; i++) {
      current = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (previous2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, previous2[j - 2] + 1);
        }
        current[j] = value;
        if (value < best) best = value;
      }
      if (best > limit) return limit + 1;
      previous2 = previous;
      previous = current;
    }
    return previous[b.length];
  }

  /* The most frequent known word within one edit (two from 8 letters), same first letter. */
  function respell(word) {
    if (word.length < 4 || !/^\p{L}+$/u.test(word)) return null;
    var limit = word.length < 8 ? 1 : 2;
    var shard = loaded(word);
    if (!shard) return null;
    var best = null;
    Object.keys(shard.w).forEach(function (candidate) {
      if (candidate[0] !== word[0] || meta.stopSet.has(candidate)) return;
      var d = distance(word, candidate, limit);
      if (d > limit) return;
      var stem = shard.w[candidate] || candidate;
      var rank = [d, -frequency(stem), candidate];
      if (!best || rank[0] < best[0] || (rank[0] === best[0] && (rank[1] < best[1] || (rank[1] === best[1] && rank[2] < best[2])))) {
        best = rank;
      }
    });
    return best ? best[2] : null;
  }

  /* The most frequent word starting with what is being typed (last word only, while typing). */
  function complete(prefix) {
    if (Array.from(prefix).length < 3) return null;
    var shard = loaded(prefix);
    if (!shard) return null;
    var best = null, bestFrequency = 0;
    Object.keys(shard.w).forEach(function (candidate) {
      if (candidate.length <= prefix.length || candidate.lastIndexOf(prefix, 0) !== 0 || meta.stopSet.has(candidate)) return;
      var f = frequency(shard.w[candidate] || candidate);
      if (f > bestFrequency || (f === bestFrequency && best !== null && candidate < best)) {
        best = candidate;
        bestFrequency = f;
      }
    });
    return best;
  }

  /* ---- synonyms (kb/synonyms.yml, as stems) ------------------------------------------------ */

  function synonymIndex(groups) {
    var byMember = new Map(), longest = 0;
    groups.forEach(function (members, group) {
      members.forEach(function (member) {
        var key = member.join(" ");
        if (!byMember.has(key)) byMember.set(key, []);
        byMember.get(key).push(group);
        longest = Math.max(longest, member.length);
      });
    });
    return { groups: groups, byMember: byMember, longest: longest };
  }

  function expandSynonyms(stems) {
    var table = meta.synonymIndex, found = [], seen = new Set(), present = new Set(stems);
    for (var size = 1; size <= Math.min(table.longest, stems.length); size++) {
      for (var start = 0; start + size <= stems.length; start++) {
        var run = stems.slice(start, start + size).join(" ");
        (table.byMember.get(run) || []).forEach(function (group) {
          table.groups[group].forEach(function (member) {
            var key = member.join(" ");
            if (key !== run && !seen.has(key) && !(member.length === 1 && present.has(member[0]))) {
              seen.add(key);
              found.push(member);
            }
          });
        });
      }
    }
    return found;
  }

  /* ---- parsing and ranking --------------------------------------------------------------- */

  function parse(text) {
    var typing = !/[\s\p{P}]$/u.test(text);
    var typed = tokenize(text).filter(function (w) { return !meta.stopSet.has(w); });
    var phrases = [];
    var match;
    QUOTED.lastIndex = 0;
    while ((match = QUOTED.exec(text)) !== null) {
      var inside = tokenize(match[1]).filter(function (w) { return !meta.stopSet.has(w); });
      if (inside.length > 1) phrases.push(inside.slice(0, MAX_TERMS));
    }
    var distinct = [];
    typed.forEach(function (w) { if (distinct.indexOf(w) < 0 && distinct.length < MAX_TERMS) distinct.push(w); });
    return { text: text, words: distinct, phrases: phrases, typing: typing && distinct.length > 0 && distinct[distinct.length - 1] === typed[typed.length - 1] };
  }

  function ensureShards(words) {
    return Promise.all(words.map(function (w) { return loadShard(shardKey(w)); }));
  }

  /* Stems of the words, loading the stems' own shards where they differ from the words'. */
  function resolve(parsed) {
    var all = parsed.words.concat.apply(parsed.words, parsed.phrases);
    return ensureShards(all).then(function () {
      var stems = {};
      all.forEach(function (w) { stems[w] = stemOf(w) || knownVariant(w); });
      var others = Object.keys(stems).map(function (w) { return stems[w]; }).filter(Boolean);
      var unknown = all.filter(function (w) { return !stems[w] && /^\p{L}{5,}$/u.test(w); });
      unknown.forEach(function (w) { others.push.apply(others, stemPrefixes(w)); });
      return ensureShards(others).then(function () {
        unknown.forEach(function (w) { stems[w] = prefixStem(w); });
        return stems;
      });
    });
  }

  /* A Porter2 stem keeps the start of its word: for a word the articles never use ("shipped",
   * "availability"), the longest stem they do use that begins it ("ship", "avail") is, nearly
   * always, what a stemmer would have given. */
  var MAX_SUFFIX = 7;

  function stemPrefixes(word) {
    var chars = Array.from(word), found = [];
    for (var n = chars.length - 1; n >= Math.max(3, chars.length - MAX_SUFFIX); n--) found.push(chars.slice(0, n).join(""));
    return found;
  }

  /* What may follow a stem: English endings Porter2 removes (after a doubled consonant, too:
   * "shipp-ed"). Anything else is a different word or a typo ("quick-bboks"), left to respell. */
  var SUFFIXES = new Set(("s es ed ing ly edly ingly er ers est y ies ied ity ities ability ibility able ible " +
    "ation ations ational ment ments ness ful fully less ous ously ive ively ize izes ized izing ise ises ised " +
    "ising ization isation al ally ence ences ance ances ent ently ant ants ism ist ists ic ical ically").split(" "));

  function isEnding(stem, rest) {
    if (SUFFIXES.has(rest)) return true;
    if (rest === "e") return stem.length >= 5;  // "expire" -> "expir"; a short word keeps it ("note")
    return rest.length > 1 && rest[0] === stem[stem.length - 1] && SUFFIXES.has(rest.slice(1));
  }

  function prefixStem(word) {
    var candidates = stemPrefixes(word);
    for (var i = 0; i < candidates.length; i++) {
      if (isEnding(candidates[i], word.slice(candidates[i].length)) && postings(candidates[i])) return candidates[i];
    }
    return null;
  }

  function termPostings(terms) {
    /* One stem, or all stems of a run (a multi-word synonym or a quoted phrase): least frequency. */
    var lists = terms.map(postings);
    if (lists.some(function (l) { return !l; })) return null;
    if (lists.length === 1) return lists[0];
    var articles = new Map();
    lists[0].articles.forEach(function (tf, doc) {
      var least = tf;
      for (var i = 1; i < lists.length; i++) {
        var other = lists[i].articles.get(doc);
        if (other === undefined) return;
        least = Math.min(least, other);
      }
      articles.set(doc, least);
    });
    var sections = new Map(), count = 0;
    lists[0].sections.forEach(function (bySection, doc) {
      bySection.forEach(function (tf, position) {
        var least = tf;
        for (var i = 1; i < lists.length; i++) {
          var other = lists[i].sections.get(doc);
          var value = other && other.get(position);
          if (value === undefined) return;
          least = Math.min(least, value);
        }
        if (!sections.has(doc)) sections.set(doc, new Map());
        sections.get(doc).set(position, least);
        count++;
      });
    });
    return { articles: articles, sections: sections, sectionCount: count };
  }

  function idf(df, n) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }

  function saturate(weightedIdf, tf) { return weightedIdf * tf * (meta.k1 + 1) / (tf + meta.k1); }

  /* BM25F over articles, then the best candidates re-ranked with their best section. */
  function rank(stems, phrases) {
    var query = stems.map(function (s) { return { terms: [s], weight: 1 }; });
    expandSynonyms(stems).forEach(function (member) { query.push({ terms: member, weight: meta.synonymWeight }); });
    phrases.forEach(function (p) { query.push({ terms: p, weight: 1 }); });
    var scores = new Map();
    var found = [];
    query.forEach(function (term) {
      var list = termPostings(term.terms);
      if (!list || !list.articles.size) return;
      found.push({ term: term, list: list });
      var weighted = term.weight * idf(list.articles.size, meta.n);
      list.articles.forEach(function (tf, doc) {
        scores.set(doc, (scores.get(doc) || 0) + saturate(weighted, tf));
      });
    });
    var candidates = Array.from(scores.keys()).sort(function (a, b) { return scores.get(b) - scores.get(a) || a - b; })
      .slice(0, Math.max(LIMIT, meta.candidates));
    var best = new Map();
    candidates.forEach(function (doc) {
      var sectionScores = new Map();
      found.forEach(function (entry) {
        var bySection = entry.list.sections.get(doc);
        if (!bySection) return;
        var weighted = entry.term.weight * idf(entry.list.sectionCount, meta.ns);
        bySection.forEach(function (tf, position) {
          sectionScores.set(position, (sectionScores.get(position) || 0) + saturate(weighted, tf));
        });
      });
      var top = { position: -1, score: 0 };
      sectionScores.forEach(function (score, position) {
        if (score > top.score || (score === top.score && position < top.position)) top = { position: position, score: score };
      });
      best.set(doc, top);
    });
    return candidates.map(function (doc) {
      return { doc: doc, section: best.get(doc).position, score: scores.get(doc) + meta.sectionWeight * best.get(doc).score };
    }).sort(function (a, b) { return b.score - a.score || a.doc - b.doc; }).slice(0, LIMIT);
  }

  function search(text) {
    return loadMeta().then(function () {
      var parsed = parse(text);
      if (!parsed.words.length) return { query: text, hits: [], note: "nothing" };
      return resolve(parsed).then(function (stemOfWord) {
        var corrections = {}, unknown = 0, completed = {};
        parsed.words.forEach(function (w, i) {
          if (stemOfWord[w] && frequency(stemOfWord[w])) return;
          var isLast = i === parsed.words.length - 1;
          var completion = isLast && parsed.typing ? complete(w) : null;
          if (completion) { completed[w] = completion; return; }
          if (/^\p{L}+$/u.test(w)) unknown++;
          var fix = respell(w);
          if (fix) corrections[w] = fix;
        });
        var fixes = Object.keys(corrections).map(function (w) { return corrections[w]; })
          .concat(Object.keys(completed).map(function (w) { return completed[w]; }));
        return ensureShards(fixes).then(function () {
          var stems = [], phrases = [];
          parsed.words.forEach(function (w) {
            var stem = completed[w] ? stemOf(completed[w]) : stemOfWord[w];
            if (stem && stems.indexOf(stem) < 0) stems.push(stem);
          });
          parsed.phrases.forEach(function (p) {
            var ps = p.map(function (w) { return stemOfWord[w]; });
            if (ps.every(Boolean)) phrases.push(ps);
          });
          var fixed = Object.keys(corrections);
          var fixedStems = stems.slice();
          fixed.forEach(function (w) {
            var stem = stemOf(corrections[w]);
            if (stem && fixedStems.indexOf(stem) < 0) fixedStems.push(stem);
          });
          // Synonyms' words live in shards of their own: load them before ranking.
          var synonymWords = [];
          expandSynonyms(fixedStems).forEach(function (member) { synonymWords.push.apply(synonymWords, member); });
          return ensureShards(synonymWords).then(function () {
            var hits = rank(stems, phrases);
            var answer = { query: text, hits: hits, stems: stems.concat(synonymWords) };
            if (!fixed.length) return answer;
            answer.didYouMean = replaceWords(text, corrections);
            if (hits.length < FEW_HITS || unknown * 2 > parsed.words.length) {
              var fuzzy = rank(fixedStems, phrases);
              var seen = new Set(fuzzy.map(function (h) { return h.doc; }));
              answer.hits = fuzzy.concat(hits.filter(function (h) { return !seen.has(h.doc); })).slice(0, LIMIT);
              answer.isFuzzy = fuzzy.length > 0;
              answer.stems = fixedStems.concat(synonymWords);
            }
            return answer;
          });
        });
      });
    });
  }

  function replaceWords(text, corrections) {
    return text.replace(WORD, function (word) {
      var fix = corrections[word.toLowerCase()];
      return fix === undefined ? word : fix;
    });
  }

  /* ---- live answers from the API --------------------------------------------------------- */

  var liveFailed = false;

  function searchLive(endpoint, text) {
    if (liveFailed || !window.AbortController) return Promise.reject(new Error("no live search"));
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, LIVE_TIMEOUT_MS);
    var url = new URL(endpoint, location.href);
    url.searchParams.set("q", text.slice(0, 500));
    url.searchParams.set("limit", String(LIMIT));
    return fetch(url.href, { signal: controller.signal, credentials: "omit" }).then(function (response) {
      clearTimeout(timer);
      if (!response.ok) throw new Error("search API: " + response.status);
      return response.json();
    }).then(function (data) {
      var results = (data.results || []).filter(function (r) { return r && r.internal !== true && typeof r.url === "string"; });
      return {
        query: text,
        live: results.map(function (r) {
          return { title: String(r.title || ""), url: String(r.url), section: String(r.section_title && r.section ? r.section_title : ""),
                   snippet: String(r.snippet || "") };
        }),
        didYouMean: data.did_you_mean || null,
        isFuzzy: !!data.fuzzy
      };
    }).catch(function (error) {
      clearTimeout(timer);
      liveFailed = true;  // Unreachable or slow: the static index answers for the rest of the visit.
      throw error;
    });
  }

  /* ---- showing results ------------------------------------------------------------------- */

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Text with every word of the query's stems in <mark>; built from text nodes, never as HTML. */
  function highlighted(text, stems) {
    var fragment = document.createDocumentFragment();
    var wanted = new Set(stems);
    var cursor = 0;
    text.replace(WORD, function (word, offset) {
      var lower = word.toLowerCase();
      var stem = stemOf(lower);
      if (stem !== null && wanted.has(stem)) {
        fragment.appendChild(document.createTextNode(text.slice(cursor, offset)));
        fragment.appendChild(element("mark", "", word));
        cursor = offset + word.length;
      }
      return word;
    });
    fragment.appendChild(document.createTextNode(text.slice(cursor)));
    return fragment;
  }

  /* The API marks matches «like this». */
  function markedByApi(text) {
    var fragment = document.createDocumentFragment();
    text.split(/(\u00ab[^\u00bb]*\u00bb)/).forEach(function (part) {
      if (/^\u00ab[^\u00bb]*\u00bb$/.test(part)) fragment.appendChild(element("mark", "", part.slice(1, -1)));
      else if (part) fragment.appendChild(document.createTextNode(part));
    });
    return fragment;
  }

  function snippetOf(text, stems) {
    if (!text) return "";
    var wanted = new Set(stems), first = -1;
    WORD.lastIndex = 0;
    var match;
    while ((match = WORD.exec(text)) !== null) {
      var stem = stemOf(match[0].toLowerCase());
      if (stem !== null && wanted.has(stem)) { first = match.index; break; }
    }
    var start = first > 60 ? text.lastIndexOf(" ", first - 40) + 1 : 0;
    var end = Math.min(text.length, start + SNIPPET_CHARS);
    if (end < text.length) {
      var cut = text.lastIndexOf(" ", end);
      if (cut > start) end = cut;
    }
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }

  function SearchUI(root) {
    this.root = root;
    this.input = root.querySelector("[data-kb-search]");
    this.results = root.querySelector("[data-kb-search-results]");
    this.list = root.querySelector("[data-kb-results]");
    this.status = root.querySelector("[data-kb-search-status]");
    this.fix = root.querySelector("[data-kb-search-fix]");
    this.empty = root.querySelector("[data-kb-search-empty]");
    this.endpoint = root.getAttribute("data-kb-search-endpoint") || "";
    this.timer = null;
    this.generation = 0;
    this.shown = "";
    var self = this;
    this.input.addEventListener("input", function () { self.typed(); });
    this.input.addEventListener("keydown", function (event) { self.keydown(event); });
    this.list.addEventListener("keydown", function (event) { self.listKeydown(event); });
    this.fix.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-query]");
      if (!button) return;
      self.input.value = button.getAttribute("data-query");
      self.input.focus();
      self.typed();
    });
  }

  SearchUI.prototype.setState = function (state) {
    this.results.setAttribute("data-kb-search-state", state);
    this.results.setAttribute("aria-busy", state === "loading" ? "true" : "false");
  };

  SearchUI.prototype.typed = function () {
    var self = this;
    var text = this.input.value;
    var generation = ++this.generation;
    clearTimeout(this.timer);
    if (!text.trim()) {
      this.render({ query: text, hits: [], note: "blank" }, generation);
      return;
    }
    this.setState("loading");
    loadMeta().catch(function () { /* shown below, after the debounce */ });
    var wait = this.endpoint && !liveFailed ? LIVE_DEBOUNCE_MS : DEBOUNCE_MS;
    this.timer = setTimeout(function () { self.run(text, generation); }, wait);
  };

  SearchUI.prototype.run = function (text, generation) {
    var self = this;
    var answer = this.endpoint
      ? searchLive(this.endpoint, text).catch(function () { return search(text); })
      : search(text);
    answer.then(function (result) {
      if (result.live) return result;
      return Promise.all(result.hits.map(function (hit) { return loadDoc(hit.doc); })).then(function (loadedDocs) {
        result.docs = loadedDocs;
        return result;
      });
    }).then(function (result) {
      self.render(result, generation);
    }).catch(function (error) {
      if (generation !== self.generation) return;
      self.list.textContent = "";
      self.status.textContent = "Search is not available right now. Please try again.";
      self.setState("empty");
      if (window.console) console.warn(error);  // eslint-disable-line no-console
    });
  };

  SearchUI.prototype.render = function (result, generation) {
    if (generation !== this.generation) return;  // A newer query is on its way.
    var list = this.list;
    list.textContent = "";
    this.fix.textContent = "";
    this.empty.hidden = true;
    this.shown = result.query;
    this.results.setAttribute("data-kb-search-query", result.query);
    if (result.note === "blank") {
      this.status.textContent = "";
      this.setState("done");
      return;
    }
    var items = result.live ? result.live.map(function (hit) {
      return { title: hit.title, href: new URL(hit.url, BASE).href, section: hit.section, snippet: markedByApi(hit.snippet),
               titleNode: document.createTextNode(hit.title) };
    }) : result.hits.map(function (hit, i) {
      var doc = result.docs[i];
      var section = hit.section >= 0 ? doc.s[hit.section] : null;
      var anchor = section && section[0] ? "#" + section[0] : "";
      var text = section ? section[2] : (doc.s[0] ? doc.s[0][2] : "");
      return { title: doc.t, href: new URL(doc.u, BASE).href + anchor, section: anchor ? section[1] : "",
               category: doc.c, snippet: highlighted(snippetOf(text, result.stems), result.stems),
               titleNode: highlighted(doc.t, result.stems) };
    });
    items.forEach(function (item, rank) {
      var li = element("li", "kb-search__result");
      var link = element("a", "kb-search__link");
      link.href = item.href;
      link.setAttribute("data-kb-result", String(rank + 1));
      var title = element("span", "kb-search__title");
      title.appendChild(item.titleNode);
      link.appendChild(title);
      if (item.section) link.appendChild(element("span", "kb-search__section", "› " + item.section));
      if (item.category) link.appendChild(element("span", "kb-search__category", item.category));
      var snippet = element("span", "kb-search__snippet");
      snippet.appendChild(item.snippet);
      link.appendChild(snippet);
      li.appendChild(link);
      list.appendChild(li);
    });
    if (result.didYouMean && result.didYouMean !== result.query) {
      this.fix.appendChild(document.createTextNode(result.isFuzzy && items.length ? "Showing results for " : "Did you mean "));
      var button = element("button", "kb-search__suggestion", result.didYouMean);
      button.type = "button";
      button.setAttribute("data-query", result.didYouMean);
      this.fix.appendChild(button);
      this.fix.appendChild(document.createTextNode(result.isFuzzy && items.length ? "" : "?"));
    }
    if (items.length) {
      this.status.textContent = items.length + (items.length === 1 ? " result" : " results");
      this.setState("done");
    } else {
      this.status.textContent = result.note === "nothing"
        ? "Type a few words that describe your question."
        : "No results for “" + result.query.slice(0, 80) + (result.query.length > 80 ? "…" : "") + "”.";
      this.showEmpty();
      this.setState("empty");
    }
  };

  SearchUI.prototype.showEmpty = function () {
    var holder = this.empty.querySelector("[data-kb-search-categories]");
    if (holder && !holder.childNodes.length && meta && meta.categories.length) {
      meta.categories.forEach(function (category) {
        var li = element("li");
        var link = element("a", "", category[0]);
        link.href = new URL(category[1], BASE).href;
        li.appendChild(link);
        holder.appendChild(li);
      });
    }
    this.empty.hidden = false;
  };

  SearchUI.prototype.links = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll("[data-kb-result]"));
  };

  SearchUI.prototype.keydown = function (event) {
    if (event.key === "ArrowDown" || event.key === "Enter") {
      var first = this.links()[0];
      if (event.key === "Enter") event.preventDefault();
      if (!first) return;
      event.preventDefault();
      if (event.key === "Enter" && this.shown === this.input.value) { first.click(); return; }
      first.focus();
    }
  };

  SearchUI.prototype.listKeydown = function (event) {
    var links = this.links();
    var at = links.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === "ArrowDown" && at + 1 < links.length) { event.preventDefault(); links[at + 1].focus(); }
    else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : this.input).focus(); }
    else if (event.key === "Home") { event.preventDefault(); links[0].focus(); }
    else if (event.key === "End") { event.preventDefault(); links[links.length - 1].focus(); }
  };

  /* ---- the dialog ------------------------------------------------------------------------ */

  function setup() {
    var dialog = document.querySelector("[data-kb-search-dialog]");
    if (!dialog) return;
    var ui = new SearchUI(dialog);
    function open(query) {
      if (!dialog.open) {
        if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
      }
      if (typeof query === "string" && query) { ui.input.value = query; ui.typed(); }
      ui.input.focus();
      loadMeta().catch(function () { /* reported when a query runs */ });
    }
    window.kbSearch = { open: open, search: search };
    document.querySelectorAll("[data-kb-search-open]").forEach(function (button) {
      button.addEventListener("click", function () { open(""); });
    });
    dialog.querySelector("[data-kb-search-close]").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector("[data-kb-search-form]").addEventListener("submit", function (event) { event.preventDefault(); });
    dialog.addEventListener("click", function (event) {
      // A click on the backdrop, or on a result (which may be a section of this very page).
      if (event.target === dialog || (event.target.closest && event.target.closest("[data-kb-result]"))) dialog.close();
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (typing || event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
      if (event.key === "/" || event.key === "s" || event.key === "f") {
        event.preventDefault();
        open("");
      }
    });
    var query = new URLSearchParams(location.search).get("q");
    if (query) open(query);  // The big search box's no-JavaScript form lands here with ?q=.
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
