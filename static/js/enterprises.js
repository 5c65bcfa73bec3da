// Occupation picker: a search box above each server-rendered <select data-search-url>.
// Without JavaScript the plain <select> lists every occupation and works on its own.
(function () {
  "use strict";

  function option(value, text, selected) {
    var el = document.createElement("option");
    el.value = value;
    el.textContent = text;
    if (selected) { el.selected = true; }
    return el;
  }

  function attach(select) {
    var url = select.getAttribute("data-search-url");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1";
    input.placeholder = select.getAttribute("data-search-placeholder") || "";
    input.setAttribute("aria-label", input.placeholder);
    input.setAttribute("autocomplete", "off");
    select.parentNode.insertBefore(input, select);
    var all = Array.prototype.map.call(select.options, function (o) { return [o.value, o.text]; });
    var timer = null;
    var latest = 0;

    function show(results) {
      var current = select.value;
      var currentText = select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : "";
      while (select.options.length) { select.remove(0); }
      select.add(option("", "—", !current));
      var seen = {};
      if (current) { select.add(option(current, currentText, true)); seen[current] = true; }
      results.forEach(function (r) {
        if (!seen[r[0]]) { select.add(option(r[0], r[1], false)); seen[r[0]] = true; }
      });
    }

    input.addEventListener("input", function () {
      var term = input.value.trim();
      clearTimeout(timer);
      if (!term) { show(all.filter(function (r) { return r[0]; })); return; }
      timer = setTimeout(function () {
        var ticket = ++latest;
        fetch(url + "?q=" + encodeURIComponent(term), {
          headers: { "Accept": "application/json" }, credentials: "same-origin"
        }).then(function (response) {
          return response.ok ? response.json() : { results: [] };
        }).then(function (data) {
          if (ticket !== latest) { return; }  // an older answer arrived late
          show((data.results || []).map(function (r) { return [r.code, r.label]; }));
          if (select.options.length > 1 && !select.value) { select.size = Math.min(8, select.options.length); }
        }).catch(function () { /* keep the full list on network errors */ });
      }, 200);
    });
    select.addEventListener("change", function () { select.size = 0; });
  }

  document.querySelectorAll("select[data-search-url]").forEach(attach);
}());
