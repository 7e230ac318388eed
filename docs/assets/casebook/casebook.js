/* 基层治理案例库: browse (facets, sort, shareable URL) and compare views.
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
  function byOrder(order) {
    return function (a, b) {
      var ia = order ? order.indexOf(a) : -1, ib = order ? order.indexOf(b) : -1;
      if (ia !== ib) return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib);
      return a.localeCompare(b, "zh-Hans-CN");
    };
  }
  function uniq(list) { return list.filter(function (v, i) { return v != null && list.indexOf(v) === i; }); }

  /* ---------------------------------------------------------------- browse */
  var FACETS = [
    { key: "theme", label: "主题", values: function (c) { return c.themes; }, order: "themes" },
    { key: "mechanism", label: "机制", values: function (c) { return c.mechanisms; }, order: "mechanisms" },
    { key: "province", label: "省级地区", values: function (c) { return [c.province]; } },
    { key: "level", label: "层级", values: function (c) { return [c.level]; }, order: "levels" }
  ];
  var SORTS = {
    title: { label: "按标题", fn: function (a, b) { return a.title.localeCompare(b.title, "zh-Hans-CN"); } },
    "year-desc": { label: "开始时间（新→旧）", fn: function (a, b) { return (b.year || 0) - (a.year || 0) || a.title.localeCompare(b.title, "zh-Hans-CN"); } },
    "year-asc": { label: "开始时间（旧→新）", fn: function (a, b) { return (a.year || 9999) - (b.year || 9999) || a.title.localeCompare(b.title, "zh-Hans-CN"); } },
    updated: { label: "最近更新", fn: function (a, b) { return b.updated.localeCompare(a.updated) || a.title.localeCompare(b.title, "zh-Hans-CN"); } }
  };

  function browse(root, index) {
    var cases = index.cases;
    var controls = {};
    var filters = el("div", { className: "cb-filters", role: "search", "aria-label": "筛选案例" });
    FACETS.forEach(function (f) {
      var values = uniq([].concat.apply([], cases.map(f.values))).sort(byOrder(index.order[f.order]));
      var id = "cb-f-" + f.key;
      var select = el("select", { id: id, name: f.key }, [el("option", { value: "", text: "全部" })]);
      values.forEach(function (v) {
        var n = cases.filter(function (c) { return f.values(c).indexOf(v) >= 0; }).length;
        select.appendChild(el("option", { value: v, text: v + "（" + n + "）" }));
      });
      controls[f.key] = select;
      filters.appendChild(el("div", {}, [el("label", { "for": id, text: f.label }), select]));
    });
    var years = uniq(cases.map(function (c) { return c.year; })).sort();
    ["from", "to"].forEach(function (key) {
      var id = "cb-f-" + key;
      var select = el("select", { id: id, name: key }, [el("option", { value: "", text: "不限" })]);
      years.forEach(function (y) { select.appendChild(el("option", { value: String(y), text: y + "年" })); });
      controls[key] = select;
      filters.appendChild(el("div", {}, [el("label", { "for": id, text: key === "from" ? "开始年份不早于" : "开始年份不晚于" }), select]));
    });
    var q = el("input", { id: "cb-f-q", name: "q", type: "search", placeholder: "标题或提要中的词" });
    controls.q = q;
    filters.appendChild(el("div", {}, [el("label", { "for": "cb-f-q", text: "关键词" }), q]));
    var sort = el("select", { id: "cb-f-sort", name: "sort" });
    Object.keys(SORTS).forEach(function (k) { sort.appendChild(el("option", { value: k, text: SORTS[k].label })); });
    controls.sort = sort;
    filters.appendChild(el("div", {}, [el("label", { "for": "cb-f-sort", text: "排序" }), sort]));

    var status = el("p", { className: "cb-status", role: "status", "aria-live": "polite" });
    var reset = el("button", { type: "button", className: "cb-secondary", text: "清除筛选" });
    var compareBtn = el("button", { type: "button", text: "对比所选（0）", disabled: "disabled" });
    var toolbar = el("div", { className: "cb-toolbar" }, [status, reset, compareBtn]);
    var list = el("ul", { className: "cb-results", "aria-label": "案例列表" });
    root.appendChild(filters);
    root.appendChild(toolbar);
    root.appendChild(list);

    var p = params();
    Object.keys(controls).forEach(function (k) { if (p.get(k)) controls[k].value = p.get(k); });
    if (!controls.sort.value) controls.sort.value = "title";
    var chosen = (p.get("compare") || "").split(",").filter(Boolean);

    function saveState() {
      var state = new URLSearchParams();
      Object.keys(controls).forEach(function (k) {
        var v = controls[k].value.trim();
        if (v && !(k === "sort" && v === "title")) state.set(k, v);
      });
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

    function render() {
      saveState();
      var text = controls.q.value.trim();
      var shown = cases.filter(function (c) {
        for (var i = 0; i < FACETS.length; i++) {
          var v = controls[FACETS[i].key].value;
          if (v && FACETS[i].values(c).indexOf(v) < 0) return false;
        }
        if (controls.from.value && !(c.year >= +controls.from.value)) return false;
        if (controls.to.value && !(c.year && c.year <= +controls.to.value)) return false;
        if (text && (c.title + c.summary + c.place).indexOf(text) < 0) return false;
        return true;
      }).sort(SORTS[controls.sort.value].fn);
      status.textContent = "共 " + cases.length + " 个案例，显示 " + shown.length + " 个";
      list.textContent = "";
      shown.forEach(function (c) {
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
        list.appendChild(el("li", { "data-id": c.id }, [
          el("a", { className: "cb-result-title", href: ROOT + c.url, text: c.title }),
          el("div", { className: "cb-result-meta", text: [c.place, c.period, c.level, index.labels.completeness[c.completeness]].join(" · ") }),
          el("p", { className: "cb-result-summary", text: c.summary }),
          el("div", { className: "cb-result-meta" }, [
            el("span", { text: "主题：" + c.themes.join("、") + "　" }),
            el("span", { className: "cb-pick" }, [box, el("label", { "for": "cb-pick-" + c.id, text: " 加入对比" })])
          ])
        ]));
      });
      updateCompare();
    }
    Object.keys(controls).forEach(function (k) {
      controls[k].addEventListener(k === "q" ? "input" : "change", render);
    });
    reset.addEventListener("click", function () {
      Object.keys(controls).forEach(function (k) { controls[k].value = k === "sort" ? "title" : ""; });
      render();
    });
    render();
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
