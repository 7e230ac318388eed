/* 基层治理案例库: search, in the header of every page and on the browse page.

   One query rule for both indexes (casebook/search/words.py is the same rule in Python):
   the query is read as NFKC, lower case and Simplified (OpenCC's table); domain words are kept
   whole by longest match and the rest is read in pairs of characters. The served site asks
   Pagefind; the offline site and the preview read script shards (a <script> tag loads from
   file://, where Pagefind's module cannot). Cases come first; other pages only when their title
   or key words hold the whole query. A result shows title, place, level and the sentence that
   matched, built as text, never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  var ROOT = script ? script.src.replace(/assets\/casebook\/search\.js(\?.*)?$/, "") : "";
  var BASE = ROOT + "assets/search/";
  var KIND_LABEL = { case: "", glossary: "术语", page: "页面" };

  /* ------------------------------------------------------------ loading */
  var waiting = {};
  function loadScript(src) {
    if (!waiting[src]) {
      waiting[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = resolve;
        s.onerror = function () { reject(new Error("cannot load " + src)); };
        document.head.appendChild(s);
      });
    }
    return waiting[src];
  }
  // the data scripts call these with what they hold
  var config = null, docs = null, shards = {}, texts = {};
  window.CASEBOOK_SEARCH_CONFIG = function (c) { config = c; };
  window.CASEBOOK_SEARCH_DOCS = function (d) { docs = d; };
  window.CASEBOOK_SEARCH_SHARD = function (a) { shards[a[0]] = a[1]; };
  window.CASEBOOK_SEARCH_TEXT = function (a) { texts[a[0]] = a[1]; };

  var ready = null;
  function start() {
    if (!ready) {
      ready = loadScript(BASE + "config.js").then(function () {
        prepare(config);
        return config.backend === "pagefind" && location.protocol !== "file:" ? startPagefind() : loadScript(BASE + "docs.js");
      });
    }
    return ready;
  }

  /* ------------------------------------------------------------ the query */
  var byStart = {}, t2s = {}, synonymGroups = [], groups = [];
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+(?:\+[0-9a-z]+)*/g;

  function prepare(c) {
    c.words.slice().sort(function (a, b) { return b.length - a.length; }).forEach(function (w) {
      (byStart[w.slice(0, 2)] = byStart[w.slice(0, 2)] || []).push(w);
    });
    var chars = Array.from(c.t2s);
    for (var i = 0; i + 1 < chars.length; i += 2) t2s[chars[i]] = chars[i + 1];
    synonymGroups = c.synonyms;
    // each group's word and its names' words: see Dictionary.groups in words.py
    groups = c.synonyms.map(function (names, k) { return [c.group_words[k], names.map(plainWords)]; });
  }

  function normalise(q) {
    return Array.from(String(q).normalize("NFKC").toLowerCase()).map(function (ch) { return t2s[ch] || ch; }).join("");
  }

  function longestAt(run, i) {
    var list = byStart[run.slice(i, i + 2)] || [];
    for (var k = 0; k < list.length; k++) if (run.startsWith(list[k], i)) return list[k];
    return null;
  }

  // the words of a normalised query: see query_words in words.py
  function queryWords(q) {
    var words = plainWords(q);
    groups.forEach(function (g) {
      g[1].forEach(function (name) {
        if (!name.length || !name.every(function (w) { return words.indexOf(w) >= 0; })) return;
        var at = Math.min.apply(null, name.map(function (w) { return words.indexOf(w); }));
        words = words.slice(0, at).concat([g[0]], words.slice(at).filter(function (w) { return name.indexOf(w) < 0; }));
      });
    });
    return words.filter(function (w, i) { return words.indexOf(w) === i; });
  }

  function plainWords(q) {
    var words = [];
    (q.match(RUN) || []).forEach(function (run) {
      if (!HAN.test(run[0]) || run.length === 1) { words.push(run.split("+").join("")); return; }
      var loose = [], i = 0;
      while (i < run.length) {
        var w = longestAt(run, i);
        if (w) { words.push(w); i += w.length; } else { loose.push(i); i += 1; }
      }
      loose.forEach(function (i) {
        var j = i + 1 < run.length ? i : i - 1;
        words.push(run.slice(j, j + 2));
      });
    });
    return words.filter(function (w, i) { return words.indexOf(w) === i; });
  }

  // the query as typed, and as it reads with each synonym of a glossary term it names: for the
  // title match and the marks in the sentence (the index finds them all by the group's word)
  function variants(q) {
    var out = [q];
    synonymGroups.forEach(function (group) {
      group.forEach(function (name) {
        if (!name || q.indexOf(name) < 0) return;
        group.forEach(function (other) { if (other !== name) out.push(q.split(name).join(other)); });
      });
    });
    return out.filter(function (v, i) { return out.indexOf(v) === i; }).slice(0, 6);
  }

  // Does a result hold every word, as the index reads its key words (and a case's text)? A Chinese
  // word anywhere, a Latin or number word at the start of a run, a group's word where one of the
  // names' words all are: see _occurrences in words.py.
  // (A result's runs are read once: it is checked for the query's words and for the words as typed.)
  function holds(r, words) {
    if (r.runs === undefined) {
      var text = r.title + "\n" + r.keys + (r.kind === "case" ? "\n" + r.text : "");
      r.runs = " " + (normalise(text).match(RUN) || []).map(function (x) { return x.split("+").join(""); }).join(" ");
    }
    var runs = r.runs;
    function has(w) {
      var group = groups.filter(function (g) { return g[0] === w; })[0];
      if (group) return group[1].some(function (name) { return name.length && name.every(has); });
      return runs.indexOf(HAN.test(w[0]) ? w : " " + w) >= 0;
    }
    return words.every(has);
  }

  /* ------------------------------------------------------------ Pagefind (served site) */
  var pagefind = null, queried = false;  // queried: a reader's query is on its way (typed or asked)
  var CASES = { filters: { kind: "case" } };  // a search among the cases only
  function startPagefind() {
    // Pagefind splits a query itself when the page says zh (its index is ours, in zxx): it reads
    // the language once, when it starts, so the page says zxx for that moment.
    var html = document.documentElement, lang = html.getAttribute("lang");
    return import(ROOT + "pagefind/pagefind.js").then(function (pf) {
      html.setAttribute("lang", "zxx");
      // Pagefind runs on the page's own thread, not in its worker: the worker has a start of its
      // own and copies every result across, and the first results come sooner without it, at 5,000
      // cases too. A query that most of a large library matches then holds the page up for a while
      // (some 90–130 ms at 5,000 cases): see docs/performance.md.
      return pf.options({ baseUrl: ROOT, excerptLength: 0, noWorker: true }).then(function () { return pf.init(); }).then(function () {
        // a large site's index is built in parts; a query searches them all
        return Promise.all(config.pagefind_parts.map(function (part) { return pf.mergeIndex(ROOT + part, { language: "zxx" }); }));
      }).then(function () {
        pagefind = pf;
        // a first search while the reader looks at the page: it fetches each part's filter and
        // readies Pagefind's search, which the reader's first query would otherwise wait for;
        // not when that query is here already, as it would wait for this one
        if (!queried) pf.search("案例", CASES);
      });
    }).finally(function () { html.setAttribute("lang", lang); });
  }

  // Pagefind's answers for the latest words: the browse page asks for the same words for the
  // header's first results and for its whole list, and at 5,000 cases words that most cases hold
  // take Pagefind tens of milliseconds. (A failed search is asked again the next time.)
  var answers = { words: null, by: {} };
  function pagefindFind(words, options) {
    var w = words.join(" "), key = JSON.stringify(options);
    if (answers.words !== w) answers = { words: w, by: {} };
    var by = answers.by;
    return by[key] || (by[key] = pagefind.search(w, options).catch(function (e) { delete by[key]; throw e; }));
  }

  // Where a part of the index lacks a word of the query, Pagefind leaves the word out there and
  // answers with that part's pages that hold the others. So each result is checked, and while
  // too few hold every word, the next ones are read: a few batches at most, as the pages that hold
  // every word score higher.
  var BATCHES = 3;
  function pagefindSearch(words, kind, limit) {
    var options = kind === "case" ? CASES : { filters: { kind: { any: config.kinds.slice(1) } } };
    return pagefindFind(words, options).then(function (found) {
      function from(at, kept) {
        return Promise.all(found.results.slice(at, at + limit).map(pagefindResult)).then(function (read) {
          kept = kept.concat(read.filter(function (r) { return holds(r, words); }));
          var more = kept.length < limit && at + limit < found.results.length && at + limit < BATCHES * limit;
          return more ? from(at + limit, kept) : kept.slice(0, limit);
        });
      }
      return from(0, []);
    });
  }

  // While the reader types, the chunks of the words typed so far are fetched: the search that
  // follows the pause (see headerSearch) finds most of them loaded.
  function preload(query) {
    if (!pagefind) return;
    var words = queryWords(normalise(query).trim());
    // (a failure shows in the search that follows)
    if (words.length) pagefind.preload(words.join(" "), CASES).catch(function () {});
  }

  // What a result shows is in a file of ours named by Pagefind's id (Pagefind's own holds only
  // the words it indexed).
  function pagefindResult(r) {
    return fetch(BASE + "pages/" + r.id + ".json").then(function (response) {
      if (!response.ok) throw new Error("cannot load " + response.url);
      return response.json();
    }).then(function (d) { d.score = r.score; return d; });
  }

  /* ------------------------------------------------------------ script shards (offline, preview) */
  function shardOf(word) { return word.codePointAt(0) % config.shards; }

  // the documents of one kind that hold every word, best first: [[doc number, score], …]
  function shardScores(words, kind) {
    var needed = words.map(shardOf).filter(function (s, i, a) { return a.indexOf(s) === i && !shards[s]; });
    return Promise.all(needed.map(function (s) { return loadScript(BASE + "shards/" + s + ".js"); })).then(function () {
      var kindRank = config.kinds.indexOf(kind);
      var avg = docs.reduce(function (n, d) { return n + d[5]; }, 0) / Math.max(1, docs.length);
      var scores = null;
      words.forEach(function (word) {
        var postings = {}, shard = shards[shardOf(word)];
        Object.keys(shard).forEach(function (w) {  // a word matches the index words it begins
          if (!w.startsWith(word)) return;
          var p = shard[w];
          for (var i = 0; i < p.length; i += 2) postings[p[i]] = (postings[p[i]] || 0) + p[i + 1];
        });
        var ids = Object.keys(postings), idf = Math.log(1 + (docs.length - ids.length + 0.5) / (ids.length + 0.5));
        var next = {};
        ids.forEach(function (id) {
          if (scores && !(id in scores)) return;
          var tf = postings[id], len = docs[id][5];
          next[id] = (scores ? scores[id] : 0) + idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len / avg));
        });
        scores = next;
      });
      var ids = Object.keys(scores || {}).filter(function (id) {
        return kindRank === 0 ? docs[id][1] === 0 : docs[id][1] > 0;
      });
      return ids.map(function (id) { return [+id, scores[id]]; }).sort(function (a, b) { return b[1] - a[1]; });
    });
  }

  function shardSearch(words, kind, limit) {
    return shardScores(words, kind).then(function (found) {
      found = found.slice(0, limit);
      var chunks = found.map(function (f) { return Math.floor(f[0] / config.text_chunk); }).filter(function (c, i, a) { return a.indexOf(c) === i && !texts[c]; });
      return Promise.all(chunks.map(function (c) { return loadScript(BASE + "text/" + c + ".js"); })).then(function () {
        return found.map(function (f) {
          var d = docs[f[0]];
          return { url: d[0], kind: config.kinds[d[1]], title: d[2], place: d[3], level: d[4], keys: d[6], text: texts[Math.floor(f[0] / config.text_chunk)][f[0] % config.text_chunk], score: f[1] };
        });
      });
    });
  }

  /* ------------------------------------------------------------ every case of a query (browse) */
  // Pagefind names its results by an id; the build lists which page each id is, part by part, so
  // that a long list of results needs no fetch per result.
  var pagefindPages = null;  // id: [part, address]
  window.CASEBOOK_PAGEFIND_PAGES = function (parts) {
    pagefindPages = {};
    parts.forEach(function (part, n) { Object.keys(part).forEach(function (id) { pagefindPages[id] = [n, part[id]]; }); });
  };

  function allCases(words) {
    if (!pagefind) {
      return shardScores(words, "case").then(function (found) {
        return found.map(function (f) { return { url: docs[f[0]][0], score: f[1] }; });
      });
    }
    return Promise.all([loadScript(BASE + "pagefind-pages.js"), pagefindFind(words, CASES)]).then(function (r) {
      // A part that lacks a word answers only with pages that lack it (see pagefindSearch), and
      // one that has them all only with pages that hold them: its first result tells which.
      var results = r[1].results, first = {};
      results.forEach(function (x) { var part = pagefindPages[x.id][0]; first[part] = first[part] || x; });
      return Promise.all(Object.keys(first).map(function (part) {
        return pagefindResult(first[part]).then(function (res) { return holds(res, words) ? +part : -1; });
      })).then(function (whole) {
        return results.filter(function (x) { return whole.indexOf(pagefindPages[x.id][0]) >= 0; }).map(function (x) {
          return { url: pagefindPages[x.id][1], score: x.score };
        });
      });
    });
  }

  // The address of every case a query finds, best first: the header's first ten, then the rest by score.
  function caseUrls(query) {
    return start().then(function () {
      var words = queryWords(normalise(query).trim());
      return Promise.all([search(query), words.length ? allCases(words) : []]);
    }).then(function (lists) {
      var head = lists[0].results.filter(function (r) { return r.kind === "case"; }).map(function (r) { return r.url; });
      return head.concat(lists[1].map(function (r) { return r.url; }).filter(function (u) { return head.indexOf(u) < 0; }));
    });
  }

  /* ------------------------------------------------------------ one search */
  // Results for a query: cases by score, then glossary terms and pages whose title holds the query.
  function search(query, limit) {
    limit = limit || 10;
    queried = true;
    return start().then(function () {
      var q = normalise(query).trim(), words = queryWords(q), typed = plainWords(q), synonym = words.join(" ") !== typed.join(" ");
      if (!words.length) return { query: q, words: [], results: [] };
      var forms = variants(q), wholes = forms.map(function (v) { return v.replace(/\s+/g, ""); });
      var run = pagefind ? pagefindSearch : shardSearch;
      // a few more than asked for, so that a whole-phrase match below the cut can move up
      return Promise.all([run(words, "case", limit + 5), run(words, "other", 3)]).then(function (r) {
        function inside(text) { text = normalise(text); return wholes.some(function (w) { return text.indexOf(w) >= 0; }); }
        var results = r[0].concat(r[1]);
        results.forEach(function (res) {
          res.phrase = inside(res.title) ? 2 : inside(res.keys) ? 1 : 0;  // the title holds the whole query (or a synonym's form), or a key word does
          res.typed = !synonym || holds(res, typed);
        });
        // cases first; among them, those whose title or key words hold the whole query, then those
        // that hold the query as typed, then those that hold only a synonym of it
        results.sort(function (a, b) {
          return config.kinds.indexOf(a.kind) - config.kinds.indexOf(b.kind) || b.phrase - a.phrase || b.typed - a.typed || b.score - a.score;
        });
        function isCase(r) { return r.kind === "case"; }
        results = results.filter(isCase).slice(0, limit).concat(results.filter(function (r) { return !isCase(r) && r.phrase; }));
        var marked = [].concat.apply([], forms.map(plainWords));
        results.forEach(function (r) { r.sentence = bestSentence(r.text, marked); });
        return { query: q, words: marked, results: results };
      });
    });
  }

  // the sentence of a text that holds the most of the query's words, cut to a readable length
  function bestSentence(text, words) {
    var sentences = text.split(/(?<=[。！？；\n\u2029])/), best = "", bestCount = 0;
    sentences.forEach(function (s) {
      var n = normalise(s), count = words.filter(function (w) { return n.indexOf(w) >= 0; }).length;
      if (count > bestCount) { best = s.trim(); bestCount = count; }
    });
    if (!best) best = (sentences[0] || "").trim();  // the query is in the title or key words only
    if (best.length > 120) {
      var n = normalise(best), at = Math.min.apply(null, words.map(function (w) { var i = n.indexOf(w); return i < 0 ? 1e9 : i; }));
      var from = Math.max(0, Math.min(at - 30, best.length - 120));
      best = (from ? "…" : "") + best.slice(from, from + 120) + (from + 120 < best.length ? "…" : "");
    }
    return best;
  }

  // the sentence as nodes, each stretch that a query word covers in a <mark>
  function highlighted(sentence, words) {
    var n = normalise(sentence), marks = new Array(sentence.length).fill(false);
    if (n.length === sentence.length) {
      words.forEach(function (w) {
        for (var i = n.indexOf(w); i >= 0; i = n.indexOf(w, i + 1)) for (var k = i; k < i + w.length; k++) marks[k] = true;
      });
    }
    var nodes = [], i = 0;
    while (i < sentence.length) {
      var j = i;
      while (j < sentence.length && marks[j] === marks[i]) j++;
      var text = sentence.slice(i, j);
      if (marks[i]) { var m = document.createElement("mark"); m.textContent = text; nodes.push(m); } else nodes.push(document.createTextNode(text));
      i = j;
    }
    return nodes;
  }

  function resultItem(r, words) {
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = ROOT + r.url;
    a.className = "cb-result cb-result--" + r.kind;
    var title = document.createElement("span");
    title.className = "cb-result__title";
    title.textContent = r.title;
    a.appendChild(title);
    var meta = [KIND_LABEL[r.kind], r.place, r.level].filter(Boolean).join(" · ");
    if (meta) {
      var m = document.createElement("span");
      m.className = "cb-result__meta";
      m.textContent = meta;
      a.appendChild(m);
    }
    if (r.sentence) {
      var p = document.createElement("span");
      p.className = "cb-result__text";
      highlighted(r.sentence, words).forEach(function (node) { p.appendChild(node); });
      a.appendChild(p);
    }
    li.appendChild(a);
    return li;
  }

  window.casebookSearch = { search: search, caseUrls: caseUrls, resultItem: resultItem, normalise: normalise, queryWords: queryWords, start: start };

  /* ------------------------------------------------------------ the header box */
  function headerSearch() {
    var header = document.querySelector(".md-header__inner");
    if (!header) return;
    var form = document.createElement("form");
    form.className = "cb-search";
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "搜索案例");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "cb-search__input";
    input.placeholder = "搜索案例、地名、做法";
    input.setAttribute("aria-label", "搜索案例、地名、做法");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-controls", "cb-search-results");
    var panel = document.createElement("div");
    panel.className = "cb-search__panel";
    panel.id = "cb-search-results";
    panel.hidden = true;
    var status = document.createElement("p");
    status.className = "cb-search__status";
    status.setAttribute("role", "status");
    var list = document.createElement("ol");
    list.className = "cb-search__results";
    list.setAttribute("aria-label", "搜索结果");
    panel.appendChild(status);
    panel.appendChild(list);
    form.appendChild(input);
    form.appendChild(panel);
    header.insertBefore(form, header.querySelector(".md-header__source"));

    var timer = null, asked = 0;
    function run() {
      var query = input.value, mine = ++asked;
      if (!query.trim()) { panel.hidden = true; list.textContent = ""; return; }
      panel.hidden = false;
      status.textContent = "正在搜索…";
      search(query).then(function (found) {
        if (mine !== asked) return;  // a later query is on its way
        list.textContent = "";
        found.results.forEach(function (r) { list.appendChild(resultItem(r, found.words)); });
        var cases = found.results.filter(function (r) { return r.kind === "case"; }).length;
        panel.dataset.shown = query;
        status.textContent = found.results.length ? "找到 " + cases + " 个案例" + (found.results.length > cases ? "，另有 " + (found.results.length - cases) + " 个术语或页面" : "") : "没有找到“" + query.trim() + "”";
      }, function () {
        if (mine === asked) { status.textContent = "搜索暂时不可用"; panel.dataset.shown = query; }
      });
    }
    function later() {
      queried = true;
      clearTimeout(timer);
      timer = setTimeout(run, 60);
      start().then(function () { preload(input.value); }, function () {});
    }
    // typing, pasting and the end of an input method's composition all come as input events
    input.addEventListener("input", function (e) { if (!e.isComposing) later(); });
    input.addEventListener("compositionend", later);
    input.addEventListener("focus", function () { start(); if (input.value.trim()) panel.hidden = false; });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    });
    form.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { panel.hidden = true; input.focus(); }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        var links = Array.from(list.querySelectorAll("a")), at = links.indexOf(document.activeElement);
        var next = e.key === "ArrowDown" ? at + 1 : at - 1;
        if (next >= 0 && next < links.length) { links[next].focus(); e.preventDefault(); } else if (next < 0) { input.focus(); e.preventDefault(); }
      }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) panel.hidden = true; });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.key === "/" && !(t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t.isContentEditable)) {
        e.preventDefault();
        input.focus();
      }
    });
  }
  headerSearch();
  // Load the index's first pieces now, not once the page is idle: this script comes after the page's
  // content, and a reader who types at once would wait for them (the browser caches them for the
  // next pages). A query says so if they cannot load.
  start().catch(function () {});
})();
