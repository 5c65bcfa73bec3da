// People pages: the disability group applies only to people who are not able-bodied,
// and long occupation lists get a type-to-filter box. Both work without JavaScript too.
(function () {
  var able = document.getElementById("able_bodied");
  var group = document.getElementById("disability_group");
  if (able && group) {
    var sync = function () {
      group.disabled = able.checked;
      if (able.checked) { group.value = ""; }
    };
    able.addEventListener("change", sync);
    sync();
  }
  // Occupation selects with data-search-url use the shared picker of enterprises.js instead.
  document.querySelectorAll("select[data-filter-select]:not([data-search-url]), select#occupation_code:not([data-search-url])").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.setAttribute("aria-label", select.getAttribute("data-filter-label") || "Filter");
    box.placeholder = "7533…";
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options);
    box.addEventListener("input", function () {
      var term = box.value.trim().toLowerCase();
      options.forEach(function (option) {
        option.hidden = term !== "" && option.value !== "" &&
          option.textContent.toLowerCase().indexOf(term) === -1;
      });
    });
  });
})();
