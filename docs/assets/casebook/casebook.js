/* 基层治理案例库: browse (the schema's facets with live counts, the header's search as keyword, sort, shareable URL) and compare views.
   Data comes from cases-index.js, and for the compare view also the sections' text from
   cases-sections.js (scripts, so they also load from file://, where fetch cannot).
   Record text is only ever set as textContent or as an attribute value, never parsed as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  var ROOT = script ? script.src.replace(/assets\/casebook\/casebook\.js(\?.*)?$/, "") : "";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function loadData(file, name, done) {
    if (window[name]) return done(window[name]);
    var s = document.createElement("script");
    s.src = ROOT + "assets/casebook/" + file;
    s.onload = function () { done(window[name] || null); };
    s.onerror = function () { done(null); };
    document.head.appendChild(s);
  }

  function params() { return new URLSearchParams(window.location.search); }
  function setParams(p) {
    var q = p.toString();
    window.history.replaceState(null, "", window.location.pathname + (q ? "?" + q : "") + window.location.hash);
  }
  function uniq(list) { return list.filter(function (v, i) { return v != null && list.indexOf(v) === i; }); }
  function own(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined; }

  /* ---------------------------------------------------------------- browse */
  // The facets are the schema's (x-facet), each with its values and each case's values in
  // cases-index.js. A facet is a set of checkboxes: values ticked in one facet are joined with OR,
  // the facets with AND; a year facet is a from/to range. Each value's count is the number of cases
  // that would be shown with it, given the other facets, the years and the keyword.
  var LONG = 20, FEW = 10;  // a list longer than LONG shows its first FEW values and keeps the rest behind 更多
  var PAGE = 100;  // cases listed at a time: a large library's whole list would hold the page up for seconds
  var byTitle = new Intl.Collator("zh-Hans-CN").compare;
  var SORTS = {
    relevance: { label: "按相关度（关键词）" },
    title: { label: "按标题", fn: function (a, b) { return byTitle(a.title, b.title); } },
    "year-desc": { label: "开始时间（新→旧）", fn: function (a, b) { return (b.year || 0) - (a.year || 0) || byTitle(a.title, b.title); } },
    "year-asc": { label: "开始时间（旧→新）", fn: function (a, b) { return (a.year || 9999) - (b.year || 9999) || byTitle(a.title, b.title); } },
    updated: { label: "最近更新", fn: function (a, b) { return b.updated.localeCompare(a.updated) || byTitle(a.title, b.title); } }
  };

  // a search result's page ("cases/x/" served, "cases/x.html" offline) → the case's id
  function caseIdOf(url) {
    var m = /(?:^|\/)cases\/([^\/?#]+?)(?:\.html)?(?:\/(?:index\.html)?)?(?:[?#].*)?$/.exec(url || "");
    return m ? m[1] : null;
  }

  function browse(root, index) {
    var cases = index.cases;
    var facets = index.facets.filter(function (f) { return !f.year; });
    var years = index.facets.filter(function (f) { return f.year; })[0];
    var p = params();
    var controls = {};
    var filters = el("div", { className: "cb-filters", role: "search", "aria-label": "筛选案例" });
    var line = el("div", { className: "cb-filter-line" });
    var q = el("input", { id: "cb-f-q", name: "q", type: "search", autocomplete: "off", placeholder: "案例、地名、做法（与页头搜索相同）" });
    q.value = p.get("q") || "";
    line.appendChild(el("div", {}, [el("label", { "for": "cb-f-q", text: "关键词" }), q]));
    if (years) {
      ["from", "to"].forEach(function (key) {
        var id = "cb-f-" + key;
        var select = el("select", { id: id, name: key }, [el("option", { value: "", text: "不限" })]);
        years.values.forEach(function (y) { select.appendChild(el("option", { value: String(y), text: y + "年" })); });
        select.value = p.get(key) || "";
        if (select.selectedIndex < 0) select.value = "";
        controls[key] = select;
        line.appendChild(el("div", {}, [el("label", { "for": id, text: years.label + (key === "from" ? "不早于" : "不晚于") }), select]));
      });
    }
    var sort = el("select", { id: "cb-f-sort", name: "sort" });
    Object.keys(SORTS).forEach(function (k) { sort.appendChild(el("option", { value: k, text: SORTS[k].label })); });
    var sortChosen = own(SORTS, p.get("sort")) ? p.get("sort") : "";
    line.appendChild(el("div", {}, [el("label", { "for": "cb-f-sort", text: "排序" }), sort]));
    filters.appendChild(line);

    // one checkbox per value; the boxes are made once and only their counts change, so a box keeps the focus
    var boxes = {};
    var facetBox = el("div", { className: "cb-facets" });
    facets.forEach(function (f) {
      var wanted = p.getAll(f.name), first = el("div", { className: "cb-facet-values" }), rest = el("div", { className: "cb-facet-values" });
      boxes[f.name] = f.values.map(function (v, i) {
        var input = el("input", { type: "checkbox", name: f.name, value: String(v) });
        input.checked = wanted.indexOf(String(v)) >= 0;
        input.addEventListener("change", update);
        var count = el("span", { className: "cb-count" });
        var label = el("label", {}, [input, el("span", {}, [own(f.labels, v) || String(v), count])]);
        (i < FEW || f.values.length <= LONG ? first : rest).appendChild(label);
        return { value: v, input: input, label: label, count: count };
      });
      var fieldset = el("fieldset", { className: "cb-facet", "data-facet": f.name }, [el("legend", { text: f.label }), first]);
      if (rest.childNodes.length) {
        var more = el("details", {}, [el("summary", { text: "更多（" + rest.childNodes.length + " 项）" }), rest]);
        more.open = !!rest.querySelector("input:checked");
        fieldset.appendChild(more);
      }
      facetBox.appendChild(fieldset);
    });
    filters.appendChild(facetBox);

    var status = el("p", { className: "cb-status", role: "status", "aria-live": "polite" });
    var reset = el("button", { type: "button", className: "cb-secondary", text: "清除筛选" });
    var compareBtn = el("button", { type: "button", text: "对比所选（0）", disabled: "disabled" });
    var toolbar = el("div", { className: "cb-toolbar" }, [status, reset, compareBtn]);
    var list = el("ul", { className: "cb-results", "aria-label": "案例列表" });
    var moreBtn = el("button", { type: "button", className: "cb-secondary cb-more" });
    root.appendChild(filters);
    root.appendChild(toolbar);
    root.appendChild(list);
    root.appendChild(moreBtn);
    var chosen = (p.get("compare") || "").split(",").filter(Boolean);

    function checked(name) {
      return boxes[name].filter(function (b) { return b.input.checked; }).map(function (b) { return b.value; });
    }

    function saveState() {
      var state = new URLSearchParams();
      facets.forEach(function (f) { checked(f.name).forEach(function (v) { state.append(f.name, String(v)); }); });
      if (q.value.trim()) state.set("q", q.value.trim());
      Object.keys(controls).forEach(function (k) { if (controls[k].value) state.set(k, controls[k].value); });
      if (sortChosen) state.set("sort", sortChosen);
      if (chosen.length) state.set("compare", chosen.join(","));
      setParams(state);
    }

    function updateCompare() {
      compareBtn.textContent = "对比所选（" + chosen.length + "）";
      if (chosen.length >= 2) compareBtn.removeAttribute("disabled"); else compareBtn.setAttribute("disabled", "disabled");
    }
    compareBtn.addEventListener("click", function () {
      window.location.href = ROOT + index.pages.compare + "?ids=" + encodeURIComponent(chosen.join(","));
    });

    // The keyword's cases, from the header's search: case id → place in the search's order.
    var matches = null, matchedQuery = "", failed = false;

    function passes(c, selection, skip) {
      for (var i = 0; i < facets.length; i++) {
        var name = facets[i].name, want = selection[name], have = c.facets[name];
        if (name === skip || !want.length) continue;
        if (!want.some(function (v) { return have.indexOf(v) >= 0; })) return false;
      }
      if (years) {
        var year = c.facets[years.name][0];
        if (controls.from.value && !(year >= +controls.from.value)) return false;
        if (controls.to.value && !(year <= +controls.to.value)) return false;
      }
      return !matches || own(matches, c.id) !== undefined;
    }

    function update() {
      saveState();
      var selection = {};
      facets.forEach(function (f) { selection[f.name] = checked(f.name); });
      facets.forEach(function (f) {
        var counts = f.values.map(function () { return 0; });
        cases.forEach(function (c) {
          if (!passes(c, selection, f.name)) return;
          c.facets[f.name].forEach(function (v) { var i = f.values.indexOf(v); if (i >= 0) counts[i] += 1; });
        });
        boxes[f.name].forEach(function (b, i) {
          b.count.textContent = "（" + counts[i] + "）";
          b.label.classList.toggle("cb-zero", counts[i] === 0);
        });
      });
      var key = sortChosen || (matches ? "relevance" : "title");
      sort.value = key;
      var order = key !== "relevance" ? SORTS[key].fn : matches ? function (a, b) { return matches[a.id] - matches[b.id]; } : SORTS.title.fn;
      var shown = cases.filter(function (c) { return passes(c, selection, null); }).sort(order);
      status.textContent = failed ? "关键词搜索暂时不可用" : "共 " + cases.length + " 个案例，显示 " + shown.length + " 个";
      list.textContent = "";
      showing = shown;
      showMore();
      updateCompare();
      root.dataset.shown = matchedQuery;  // the keyword whose results are shown ("" for none)
    }

    // the list so far, and the next PAGE of it on request
    var showing = [];
    function showMore() {
      var from = list.children.length;
      showing.slice(from, from + PAGE).forEach(function (c) { list.appendChild(listItem(c)); });
      var rest = showing.length - list.children.length;
      moreBtn.hidden = rest <= 0;
      moreBtn.textContent = "再显示 " + Math.min(rest, PAGE) + " 个（还有 " + rest + " 个）";
      return list.children[from];
    }
    moreBtn.addEventListener("click", function () {
      var first = showMore();
      if (first) first.querySelector("a").focus();  // the reader goes on from the first case added
    });

    function listItem(c) {
      // Its own name for each box ("加入对比：<title>"); the list is not redrawn when it is
      // ticked, so the box keeps the keyboard focus.
      var box = el("input", { type: "checkbox", id: "cb-pick-" + c.id, value: c.id, "aria-label": "加入对比：" + c.title });
      box.checked = chosen.indexOf(c.id) >= 0;
      box.addEventListener("change", function () {
        if (box.checked) {
          if (chosen.length >= 4) { box.checked = false; status.textContent = "最多对比四个案例"; return; }
          chosen.push(c.id);
        } else chosen.splice(chosen.indexOf(c.id), 1);
        updateCompare();
        saveState();
      });
      return el("li", { "data-id": c.id }, [
        el("a", { className: "cb-result-title", href: ROOT + c.url, text: c.title }),
        el("div", { className: "cb-result-meta", text: [c.place, c.period, c.level, index.labels.completeness[c.completeness]].join(" · ") }),
        el("p", { className: "cb-result-summary", text: c.summary }),
        el("div", { className: "cb-result-meta" }, [
          el("span", { text: "主题：" + c.themes.join("、") + "　" }),
          el("span", { className: "cb-pick" }, [box, el("label", { "for": "cb-pick-" + c.id, text: " 加入对比" })])
        ])
      ]);
    }

    var timer = null, asked = 0;
    function search() {
      var query = q.value, mine = ++asked;
      clearTimeout(timer);
      if (!query.trim()) { matches = null; matchedQuery = ""; failed = false; update(); return; }
      status.textContent = "正在搜索…";
      var found = window.casebookSearch ? window.casebookSearch.caseUrls(query) : Promise.reject(new Error("no search"));
      found.then(function (urls) {
        if (mine !== asked) return;  // a later keyword is on its way
        matches = Object.create(null);
        urls.forEach(function (url, i) {
          var id = caseIdOf(url);
          if (id && matches[id] === undefined) matches[id] = i;
        });
        matchedQuery = query;
        failed = false;
        update();
      }, function () {
        if (mine !== asked) return;
        matches = Object.create(null);
        matchedQuery = query;
        failed = true;
        update();
      });
    }
    function later() { clearTimeout(timer); timer = setTimeout(search, 100); }
    // typing and pasting come as input events; an input method's, once its composition ends
    q.addEventListener("input", function (e) { if (!e.isComposing) later(); });
    q.addEventListener("compositionend", later);
    Object.keys(controls).forEach(function (k) { controls[k].addEventListener("change", update); });
    sort.addEventListener("change", function () {
      sortChosen = sort.value === (matches ? "relevance" : "title") ? "" : sort.value;
      update();
    });
    reset.addEventListener("click", function () {
      facets.forEach(function (f) { boxes[f.name].forEach(function (b) { b.input.checked = false; }); });
      Object.keys(controls).forEach(function (k) { controls[k].value = ""; });
      sortChosen = "";
      q.value = "";
      search();
    });
    search();
  }

  /* --------------------------------------------------------------- compare */
  // The rows in the order of a case page: its card, the summary, the sections (their keys and
  // headings from the schema, in cases-sections.js), then the lists.
  var CARD = [
    ["地点", "place"], ["时间", "period"], ["层级", "level"], ["城乡类型", "setting"],
    ["主题", "themes"], ["机制", "mechanisms"], ["完整度", "completeness"], ["内容提要", "summary"]
  ];
  var LISTS = [["成效数据", "outcomes"], ["实施步骤", "process"], ["参与主体", "actors"], ["参考文献", "references"]];

  function compare(root, index, texts) {
    var ROWS = CARD.concat(texts.sections.map(function (s) { return [s[1], s[0], true]; }), LISTS);
    var byId = {};
    index.cases.forEach(function (c) { byId[c.id] = c; });
    var ids = (params().get("ids") || "").split(",").filter(function (id) { return byId[id]; }).slice(0, 4);
    var pick = el("div", { className: "cb-compare-pick" });
    var selects = [];
    ["案例一", "案例二", "案例三（可选）", "案例四（可选）"].forEach(function (label, i) {
      var id = "cb-c-" + i;
      var select = el("select", { id: id }, [el("option", { value: "", text: "（未选）" })]);
      index.cases.slice().sort(SORTS.title.fn).forEach(function (c) {
        select.appendChild(el("option", { value: c.id, text: c.title }));
      });
      select.value = ids[i] || "";
      select.addEventListener("change", render);
      selects.push(select);
      pick.appendChild(el("div", {}, [el("label", { "for": id, text: label }), select]));
    });
    var status = el("p", { role: "status", "aria-live": "polite" });
    var wrap = el("div", { className: "cb-compare-wrap" });
    root.appendChild(pick);
    root.appendChild(status);
    root.appendChild(wrap);

    function cell(c, key, section) {
      if (section) {
        var t = (texts.text[c.id] || {})[key];
        return el("td", { className: "cb-text", text: t || "—" });
      }
      var v = c[key];
      if (key === "completeness") return el("td", { text: index.labels.completeness[v] });
      if (key === "references") return el("td", { text: v + " 条" });
      if (Array.isArray(v)) {
        if (!v.length) return el("td", { text: "—" });
        return el("td", {}, [el("ul", {}, v.map(function (x) { return el("li", { text: x }); }))]);
      }
      return el("td", { text: v == null || v === "" ? "—" : String(v) });
    }

    function render() {
      var chosen = uniq(selects.map(function (s) { return s.value; }).filter(Boolean));
      var state = new URLSearchParams();
      if (chosen.length) state.set("ids", chosen.join(","));
      setParams(state);
      wrap.textContent = "";
      if (chosen.length < 2) {
        status.textContent = "请至少选择两个案例。";
        return;
      }
      status.textContent = "正在对比 " + chosen.length + " 个案例。";
      var cases = chosen.map(function (id) { return byId[id]; });
      var head = el("tr", {}, [el("th", { scope: "col", text: "项目" })].concat(cases.map(function (c) {
        return el("th", { scope: "col" }, [el("a", { href: ROOT + c.url, text: c.title })]);
      })));
      var body = el("tbody", {}, ROWS.map(function (row) {
        return el("tr", {}, [el("th", { scope: "row", text: row[0] })].concat(cases.map(function (c) { return cell(c, row[1], row[2]); })));
      }));
      var cols = el("colgroup", {}, [el("col", { className: "cb-label" })].concat(cases.map(function () { return el("col", {}); })));
      var table = el("table", { className: "cb-compare" }, [el("caption", { className: "cb-visually-hidden", text: "案例对比" }), cols, el("thead", {}, [head]), body]);
      table.style.setProperty("--cb-cases", String(cases.length));  // equal columns, each at least 11rem
      wrap.appendChild(table);
    }
    render();
  }

  function start() {
    var b = document.getElementById("cb-browse"), c = document.getElementById("cb-compare");
    if (!b && !c) return;
    var target = b || c;
    target.textContent = "";  // the message for readers without JavaScript
    loadData("cases-index.js", "CASEBOOK_INDEX", function (index) {
      if (!index) { target.appendChild(el("p", { text: "案例数据加载失败。" })); return; }
      if (b) return browse(b, index);
      loadData("cases-sections.js", "CASEBOOK_SECTIONS", function (texts) {
        if (!texts) { target.appendChild(el("p", { text: "案例正文加载失败。" })); return; }
        compare(c, index, texts);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
