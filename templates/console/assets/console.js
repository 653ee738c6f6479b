/* reconciler operator console: tabs, the floor plans' date control, search.
   Every page shows its content without this script; it only adds interaction.
   No network: data comes from the page itself or from files of the site. */
(function () {
  "use strict";
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var root = document.body.getAttribute("data-root") || "";

  function parseDay(iso) { var p = iso.split("-"); return new Date(Date.UTC(+p[0], +p[1] - 1, +p[2])); }
  function isoDay(d) { return d.toISOString().slice(0, 10); }
  function addDays(iso, n) { var d = parseDay(iso); d.setUTCDate(d.getUTCDate() + n); return isoDay(d); }
  function daysBetween(a, b) { return Math.round((parseDay(b) - parseDay(a)) / 86400000); }
  function longDay(iso) {
    var d = parseDay(iso);
    return DAYS[d.getUTCDay()] + " " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  /* ---- Tabs (occupier page) ---- */
  function initTabs() {
    var nav = document.querySelector("nav.tabs");
    if (!nav) { return; }
    var list = nav.querySelector("ul");
    var links = Array.prototype.slice.call(nav.querySelectorAll("a[data-tab]"));
    var panels = links.map(function (a) { return document.getElementById(a.getAttribute("data-tab")); });
    list.setAttribute("role", "tablist");
    links.forEach(function (a, i) {
      a.parentNode.setAttribute("role", "presentation");
      a.setAttribute("role", "tab");
      a.setAttribute("aria-controls", panels[i].id);
      panels[i].setAttribute("role", "tabpanel");
      panels[i].setAttribute("aria-labelledby", a.id);
      panels[i].setAttribute("tabindex", "-1");
    });
    function select(i, focus) {
      links.forEach(function (a, j) {
        var on = i === j;
        a.setAttribute("aria-selected", on ? "true" : "false");
        a.setAttribute("tabindex", on ? "0" : "-1");
        panels[j].hidden = !on;
      });
      if (focus) { links[i].focus(); }
    }
    function fromHash() {
      var id = decodeURIComponent(location.hash.slice(1));
      if (!id) { return 0; }
      var target = document.getElementById(id);
      for (var i = 0; i < panels.length; i++) {
        if (panels[i] === target || (target && panels[i].contains(target))) { return i; }
      }
      return 0;
    }
    links.forEach(function (a, i) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        select(i, false);
        history.replaceState(null, "", "#" + panels[i].id);
      });
      a.addEventListener("keydown", function (ev) {
        var n = links.length, k = null;
        if (ev.key === "ArrowRight") { k = (i + 1) % n; }
        else if (ev.key === "ArrowLeft") { k = (i - 1 + n) % n; }
        else if (ev.key === "Home") { k = 0; }
        else if (ev.key === "End") { k = n - 1; }
        if (k !== null) {
          ev.preventDefault();
          select(k, true);
          history.replaceState(null, "", "#" + panels[k].id);
        }
      });
    });
    window.addEventListener("hashchange", function () { select(fromHash(), false); });
    select(fromHash(), false);
    var t = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (t && panels.indexOf(t) < 0 && t.scrollIntoView) { t.scrollIntoView(); }  // inside a tab
    else if (t) { window.scrollTo(0, 0); }
  }

  /* ---- Floor plans with a date control (site page) ---- */
  function initFloors() {
    var dataEl = document.getElementById("floor-data");
    if (!dataEl) { return; }
    var data = JSON.parse(dataEl.textContent);
    var bar = document.getElementById("datebar");
    var input = document.getElementById("floor-date");
    var range = document.getElementById("floor-range");
    var label = document.getElementById("floor-day");
    var tiles = Array.prototype.slice.call(document.querySelectorAll(".tile[data-status=available]"));
    var total = daysBetween(data.min, data.max);
    range.max = String(total);
    bar.hidden = false;

    function owner(space, day) {
      var spans = data.spaces[space] || [];
      for (var i = 0; i < spans.length; i++) {
        var s = spans[i];
        if (s[0] <= day && (s[1] === null || day <= s[1])) { return s[2]; }
      }
      return null;
    }
    function draw(day) {
      tiles.forEach(function (t) {
        var who = owner(t.getAttribute("data-space"), day);
        t.className = t.className.replace(/\s*\b(c\d+|vacant)\b/g, "");
        var old = t.querySelector(".who");
        var next;
        if (who) {
          t.className += " c" + data.occupiers[who].colour;
          next = el("a", "who", data.occupiers[who].name);
          next.href = root + "occupiers/" + who + ".html";
        } else {
          t.className += " vacant";
          next = el("span", "who", "Vacant");
        }
        t.setAttribute("data-holder", who || "");
        old.parentNode.replaceChild(next, old);
      });
      input.value = day;
      range.value = String(daysBetween(data.min, day));
      range.setAttribute("aria-valuetext", longDay(day));
      label.textContent = longDay(day);
      var upcoming = data.changes.filter(function (c) { return c > day; })[0];
      document.getElementById("floor-next").textContent =
        upcoming ? "; the next change is on " + longDay(upcoming) : "; no later change";
      var url = new URL(location.href);
      if (day === data.at) { url.searchParams.delete("on"); } else { url.searchParams.set("on", day); }
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
    function clamp(day) { return day < data.min ? data.min : (day > data.max ? data.max : day); }
    function current() { return input.value || data.at; }
    input.addEventListener("change", function () { if (/^\d{4}-\d{2}-\d{2}$/.test(input.value)) { draw(clamp(input.value)); } });
    range.addEventListener("input", function () { draw(addDays(data.min, +range.value)); });
    document.getElementById("next-change").addEventListener("click", function () {
      var d = current();
      var n = data.changes.filter(function (c) { return c > d; })[0];
      if (n) { draw(clamp(n)); }
    });
    document.getElementById("prev-change").addEventListener("click", function () {
      var d = current();
      var p = data.changes.filter(function (c) { return c < d; }).pop();
      if (p) { draw(clamp(p)); }
    });
    document.getElementById("back-to-at").addEventListener("click", function () { draw(data.at); });
    var asked = new URLSearchParams(location.search).get("on");
    draw(asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? clamp(asked) : data.at);
  }

  /* ---- Search (search page) ---- */
  var KINDS = { o: "Occupier", s: "Site", e: "User", m: "MAC address", n: "Phone number",
    x: "Extension", v: "VLAN", i: "IP network" };

  function ipInt(m) { return ((+m[1]) * 16777216) + ((+m[2]) << 16) + ((+m[3]) << 8) + (+m[4]); }

  function matcher(raw) {
    var q = raw.trim().toLowerCase();
    var digits = q.replace(/\D/g, "");
    var hex = q.replace(/[^0-9a-f]/g, "");
    var mac = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/.test(q) || /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(q) ||
      /^[0-9a-f]{12}$/.test(q) || /^([0-9a-f]{2}[:-]){2,4}[0-9a-f]{0,2}$/.test(q);
    var ip = q.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/);
    var vlan = q.match(/^vlan\s*(\d{1,4})$/);
    var phone = /^\+?[\d\s().-]+$/.test(q) && digits.length >= 6;
    var national = digits.replace(/^0+/, "");
    var plain = !mac && !ip && !phone && !vlan;
    return function (e) {
      var kind = e[0], key = e[1];
      switch (kind) {
        case "o": case "s": return plain && q.length >= 2 && (key.indexOf(q) >= 0 || e[2].toLowerCase().indexOf(q) >= 0);
        case "e": return plain && q.length >= 3 && key.indexOf(q) >= 0;
        case "m": return mac && hex.length >= 6 && key.indexOf(hex) === 0;
        case "n": return phone && national.length >= 6 && key.slice(-national.length) === national;
        case "x": return /^\d{3,5}$/.test(q) && key === q;
        case "v": return (vlan && key === String(+vlan[1])) || (/^\d{1,4}$/.test(q) && key === String(+q));
        case "i":
          if (!ip) { return false; }
          var a = ipInt(ip);
          return a >= key[0] && a <= key[1];
      }
      return false;
    };
  }

  function href(index, target) {
    if (typeof target === "string") { return root + "sites/" + target.slice(5) + ".html"; }
    var occ = index.occupiers[target[0]];
    return root + "occupiers/" + occ[0] + ".html" + (target[1] ? "#" + target[1] : "");
  }

  function initSearch() {
    var out = document.getElementById("search-results");
    var form = document.getElementById("search-form");
    var index = window.RECONCILER_SEARCH;
    if (!out || !form || !index) { return; }
    var box = document.getElementById("q");
    function run(q, jump) {
      out.textContent = "";
      if (!q.trim()) { return; }
      var test = matcher(q);
      var hits = index.entries.filter(test).slice(0, 200);
      var head = el("h2", "", hits.length ? hits.length + (hits.length === 200 ? "+" : "") +
        " result" + (hits.length === 1 ? "" : "s") + " for “" + q.trim() + "”" : "Nothing found for “" + q.trim() + "”");
      out.appendChild(head);
      if (hits.length === 1 && jump) { location.replace(href(index, hits[0][3])); return; }
      var ul = el("ul", "results card");
      hits.forEach(function (e) {
        var li = el("li");
        li.appendChild(el("span", "badge kind", KINDS[e[0]]));
        var a = el("a", "", e[2]);
        a.href = href(index, e[3]);
        li.appendChild(a);
        if (typeof e[3] !== "string") {
          li.appendChild(el("span", "muted", " · " + index.occupiers[e[3][0]][1]));
        }
        ul.appendChild(li);
      });
      if (hits.length) { out.appendChild(ul); }
      if (!hits.length) {
        out.appendChild(el("p", "muted", "Try an e-mail, a MAC like 80:5e:c0:12:34:56, a number like 020 7946 0121, “VLAN 102” or an IP address."));
      }
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      history.replaceState(null, "", "search.html?q=" + encodeURIComponent(box.value));
      run(box.value, true);
    });
    var q = new URLSearchParams(location.search).get("q") || "";
    box.value = q;
    var top = document.getElementById("site-search");
    if (top) { top.value = q; }
    run(q, true);
  }

  initTabs();
  initFloors();
  initSearch();
}());
