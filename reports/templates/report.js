"use strict";
// chatsweep HTML report: the findings table (search, filters, sorting, paging, details).
// Data comes from the inline JSON island; every string from it is set as textContent,
// never as markup. This file is inlined verbatim; the page's CSP allows it by its hash.
(function () {
  var island = document.getElementById("findings-data");
  var app = document.getElementById("finding-app");
  if (!island || !app) return;
  var D = JSON.parse(island.textContent);
  var S = D.s, L = D.labels, F = D.f, lang = D.lang;
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/, LATIN = /[A-Za-z]/;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) setText(node, String(text));
    return node;
  }
  // Text from the export: as text, isolated, marked zh/en when not the page's language.
  function setText(node, text) {
    node.textContent = text;
    var l = HAN.test(text) ? "zh" : LATIN.test(text) ? "en" : "";
    if (l && l !== lang) node.lang = l;
  }
  // Controls, bidi and zero-width characters are shown as visible escapes (\u202e), not obeyed.
  var CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\t\n\r]/g;
  function escapeOf(ch) {
    var cp = ch.charCodeAt(0), hex = cp.toString(16);
    return cp < 0x100 ? "\\x" + ("0" + hex).slice(-2) : "\\u" + ("000" + hex).slice(-4);
  }
  function chat(tag, cls, text) {
    var node = el(tag, cls), bdi = document.createElement("bdi");
    text = text === undefined || text === null ? "" : String(text);
    setText(bdi, text);
    CONTROL.lastIndex = 0;
    if (CONTROL.test(text)) {
      bdi.textContent = "";
      var last = 0, match;
      CONTROL.lastIndex = 0;
      while ((match = CONTROL.exec(text)) !== null) {
        if (match.index > last) bdi.appendChild(document.createTextNode(text.slice(last, match.index)));
        var mark = el("span", "ctl", escapeOf(match[0]));
        mark.title = "invisible control or direction character";
        bdi.appendChild(mark);
        last = match.index + 1;
      }
      if (last < text.length) bdi.appendChild(document.createTextNode(text.slice(last)));
    }
    node.appendChild(bdi);
    return node;
  }
  function str(i) { return i >= 0 ? S[i] : ""; }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }
  function plural(key, n) {
    var forms = L[key].split("|");
    return fmt(n === 1 || forms.length < 2 ? forms[0] : forms[1], { n: num(n) });
  }
  function num(n) { return Number(n).toLocaleString("en-US"); }
  function label(prefix, value) { return L[prefix + value] || value; }

  // Precomputed per finding: search text, conversations, authors, days.
  F.forEach(function (f) {
    var parts = [f.p, str(f.t)], convs = {}, authors = {}, days = [];
    f.o.forEach(function (o) {
      convs[o[0]] = 1; authors[o[1]] = 1;
      parts.push(str(o[0]), str(o[1]), o[4]);
      if (o[2]) days.push(o[2].slice(0, 10));
    });
    f._q = parts.join("\u0001").toLowerCase();
    f._conv = convs; f._auth = authors; f._days = days;
  });

  var $ = function (id) { return document.getElementById(id); };
  var q = $("q"), fType = $("f-type"), fCat = $("f-cat"), fSev = $("f-sev"), fLik = $("f-lik"),
    fConv = $("f-conv"), fAuthor = $("f-author"), fFrom = $("f-from"), fTo = $("f-to");

  function fill(select, entries) {
    select.appendChild(new Option(L.all, ""));
    entries.forEach(function (e) {
      var option = new Option(e[1], e[0]);
      var l = HAN.test(e[1]) ? "zh" : "";
      if (l && l !== lang) option.lang = l;
      select.appendChild(option);
    });
  }
  function distinct(pick) {
    var seen = {};
    F.forEach(function (f) { pick(f).forEach(function (i) { seen[i] = 1; }); });
    return Object.keys(seen).map(Number).sort(function (a, b) { return S[a].localeCompare(S[b]); })
      .map(function (i) { return [String(i), S[i]]; });
  }
  fill(fType, distinct(function (f) { return [f.t]; }));
  fill(fCat, D.cat.map(function (c, i) { return [String(i), L["cat" + i]]; }));
  fill(fSev, D.sev.map(function (c, i) { return [String(i), L["sev" + i]]; }));
  fill(fLik, D.lik.map(function (c, i) { return [String(i), L["lik" + i]]; }));
  fill(fConv, distinct(function (f) { return Object.keys(f._conv).map(Number); }));
  fill(fAuthor, distinct(function (f) { return Object.keys(f._auth).map(Number); }));

  var sortKey = "v", sortDir = 1, page = 0, open = {}, rows = F.slice();

  function key(f, k) {
    if (k === "t") return str(f.t).toLowerCase();
    if (k === "tr") return f.tr === undefined ? "" : str(f.tr);
    if (k === "b") return f.b === undefined ? "" : str(f.b);
    if (k === "p") return String(f.p).toLowerCase();
    return f[k];
  }
  function compare(a, b) {
    var x = key(a, sortKey), y = key(b, sortKey);
    if (x < y) return -sortDir;
    if (x > y) return sortDir;
    return a.v - b.v || b.n - a.n || (a.i < b.i ? -1 : 1);
  }

  function apply() {
    var text = q.value.trim().toLowerCase(), t = fType.value, c = fCat.value, v = fSev.value,
      k = fLik.value, cv = fConv.value, au = fAuthor.value, from = fFrom.value, to = fTo.value;
    rows = F.filter(function (f) {
      if (text && f._q.indexOf(text) < 0) return false;
      if (t && f.t !== +t) return false;
      if (c && f.c !== +c) return false;
      if (v && f.v !== +v) return false;
      if (k && f.k !== +k) return false;
      if (cv && !f._conv[cv]) return false;
      if (au && !f._auth[au]) return false;
      if (from || to) {
        return f._days.some(function (d) { return (!from || d >= from) && (!to || d <= to); });
      }
      return true;
    });
    rows.sort(compare);
    page = 0;
    draw();
  }

  function badge(i) { return el("span", "sev-badge sev-" + D.sev[i], L["sev" + i]); }

  function row(f) {
    var tr = el("tr", "finding-row sev-" + D.sev[f.v]);
    tr.id = "finding-" + f.i;
    tr.tabIndex = 0;
    tr.setAttribute("aria-expanded", open[f.i] ? "true" : "false");
    var td = el("td"); td.appendChild(badge(f.v)); tr.appendChild(td);
    tr.appendChild(chat("td", "entity-cell", str(f.t)));
    tr.appendChild(el("td", "", L["cat" + f.c]));
    td = el("td"); td.appendChild(el("span", "likelihood likelihood-" + D.lik[f.k], L["lik" + f.k])); tr.appendChild(td);
    td = el("td"); td.appendChild(chat("code", "preview" + (f.vs ? " is-value" : ""), f.p)); tr.appendChild(td);
    tr.appendChild(chat("td", "", f.d === undefined ? "" : str(f.d)));
    tr.appendChild(el("td", "num", num(f.n)));
    tr.appendChild(el("td", "num", num(f.cv)));
    tr.appendChild(el("td", "nowrap", f.fs));
    tr.appendChild(el("td", "", f.tr === undefined ? "" : label("tri_", str(f.tr))));
    tr.appendChild(el("td", "", f.b === undefined ? "" : label("base_", str(f.b))));
    return tr;
  }

  function occurrenceTable(list) {
    var table = el("table", "compact occurrence-table"), head = el("tr");
    ["col_conversation", "col_author", "col_time", "col_part", "col_snippet", "col_severity", "col_location", "col_link"]
      .forEach(function (k) { var th = el("th", "", L[k]); th.scope = "col"; head.appendChild(th); });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    var body = el("tbody");
    list.forEach(function (o) {
      var tr = el("tr"), conv = chat("td", "", str(o[0]));
      var sub = [label("kind_", str(o[10]))];
      if (o[6] !== null) sub.push(L.audience + " " + num(o[6]));
      conv.appendChild(el("br"));
      conv.appendChild(el("span", "muted", sub.join(" · ")));
      tr.appendChild(conv);
      tr.appendChild(chat("td", "author", str(o[1])));
      tr.appendChild(el("td", "nowrap", o[2] ? o[2].replace("T", " ") : "—"));
      tr.appendChild(el("td", "", label("part_", str(o[3]))));
      tr.appendChild(chat("td", "snippet", o[4]));
      var sev = el("td"); if (o[7] >= 0) sev.appendChild(badge(o[7])); tr.appendChild(sev);
      var where = chat("td", "path", str(o[8]));
      where.appendChild(el("br")); where.appendChild(chat("code", "muted", o[9]));
      tr.appendChild(where);
      var link = el("td");
      if (/^https?:\/\//i.test(o[5])) {
        var a = el("a", "permalink", o[5]);
        a.href = o[5]; a.rel = "noopener noreferrer"; a.target = "_blank";
        link.appendChild(a);
      }
      tr.appendChild(link);
      body.appendChild(tr);
    });
    table.appendChild(body);
    var wrap = el("div", "table-scroll"); wrap.appendChild(table);
    return wrap;
  }

  function details(f) {
    var tr = el("tr", "finding-details"), td = el("td");
    td.colSpan = 11;
    var dl = el("dl", "facts");
    function fact(name, value, asChat) {
      if (value === undefined || value === "") return;
      var div = el("div"); div.appendChild(el("dt", "", L[name]));
      div.appendChild(asChat ? chat("dd", "", value) : el("dd", "", value));
      dl.appendChild(div);
    }
    fact("explanation", str(f.x), true);
    if (f.rm !== undefined) fact("remediation", str(f.rm), true);
    if (f.d !== undefined) fact("col_detail", str(f.d), true);
    if (f.tn !== undefined) fact("triage_note", f.tn, true);
    fact("rule", str(f.r) + " · " + f.i);
    fact("confidence", f.cf.toFixed(2));
    fact("fingerprint", f.fp);
    td.appendChild(dl);
    td.appendChild(occurrenceTable(f.o.slice(0, D.fold)));
    if (f.o.length > D.fold) {
      var more = el("details", "occurrences");
      more.appendChild(el("summary", "", fmt(L.more_occurrences, { n: num(f.o.length - D.fold) })));
      more.appendChild(occurrenceTable(f.o.slice(D.fold)));
      td.appendChild(more);
    }
    if (f.m > 0) {
      var note = fmt(L.not_shown_occurrences, { n: num(f.m) });
      if (f.om) note += " " + fmt(L.omitted_occurrences, { n: num(f.om) });
      td.appendChild(el("p", "muted", note));
    }
    tr.appendChild(td);
    return tr;
  }

  var body = $("finding-rows"), info = $("page-info"), prev = $("prev"), next = $("next");
  var byId = {};
  F.forEach(function (f) { byId[f.i] = f; });

  // On paper, the findings the filters select (up to a bound), not only the current page.
  var printing = false;
  function draw() {
    var size = printing ? Math.max(D.pageSize, Math.min(rows.length, D.printMax)) : D.pageSize;
    var pages = Math.max(1, Math.ceil(rows.length / size));
    if (page >= pages) page = pages - 1;
    var fragment = document.createDocumentFragment();
    var slice = rows.slice(page * size, page * size + size);
    slice.forEach(function (f) {
      fragment.appendChild(row(f));
      if (open[f.i]) fragment.appendChild(details(f));
    });
    if (!slice.length) {
      var tr = el("tr"), td = el("td", "muted", L.no_match);
      td.colSpan = 11; tr.appendChild(td); fragment.appendChild(tr);
    }
    body.replaceChildren(fragment);
    info.textContent = fmt(L.page_of, { shown: num(slice.length), findings: plural("n_finding", rows.length), page: page + 1, pages: pages });
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }

  function toggle(tr) {
    var f = byId[tr.id.slice(8)];
    if (!f) return;
    if (open[f.i]) {
      delete open[f.i];
      if (tr.nextSibling && tr.nextSibling.className === "finding-details") tr.nextSibling.remove();
      tr.setAttribute("aria-expanded", "false");
    } else {
      open[f.i] = 1;
      tr.after(details(f));
      tr.setAttribute("aria-expanded", "true");
    }
  }
  body.addEventListener("click", function (event) {
    if (event.target.closest("a")) return;
    var tr = event.target.closest("tr.finding-row");
    if (tr) toggle(tr);
  });
  body.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var tr = event.target.closest("tr.finding-row");
    if (tr && event.target === tr) { event.preventDefault(); toggle(tr); }
  });

  document.querySelectorAll("#finding-table th[data-sort] button").forEach(function (button) {
    button.addEventListener("click", function () {
      var th = button.parentNode, k = th.getAttribute("data-sort");
      sortDir = sortKey === k ? -sortDir : (k === "n" || k === "cv" ? -1 : 1);
      sortKey = k;
      document.querySelectorAll("#finding-table th[data-sort]").forEach(function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      rows.sort(compare);
      page = 0;
      draw();
    });
  });
  var timer = 0;
  q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  [fType, fCat, fSev, fLik, fConv, fAuthor, fFrom, fTo].forEach(function (s) { s.addEventListener("change", apply); });
  $("filters").addEventListener("submit", function (event) { event.preventDefault(); });
  $("filters").addEventListener("reset", function () { setTimeout(apply, 0); });
  prev.addEventListener("click", function () { page -= 1; draw(); });
  next.addEventListener("click", function () { page += 1; draw(); });

  window.addEventListener("beforeprint", function () { printing = true; page = 0; draw(); });
  window.addEventListener("afterprint", function () { printing = false; draw(); });

  var fallback = $("static-findings");
  if (fallback) fallback.remove();
  app.hidden = false;
  rows.sort(compare);
  draw();
  document.documentElement.setAttribute("data-ready", "1");
})();
