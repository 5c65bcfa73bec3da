// Behaviour that CSP forbids inline: auto-submit selects, confirm buttons, copy buttons.
document.documentElement.classList.add("js");
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
});
document.addEventListener("click", function (event) {
  // A refusal needs its reason first (data-needs names the input), then asks once.
  var needs = event.target.closest ? event.target.closest("[data-needs]") : null;
  if (needs) {
    var input = document.getElementById(needs.getAttribute("data-needs"));
    if (input && !input.value.trim()) {
      event.preventDefault();
      input.setCustomValidity(needs.getAttribute("data-needs-message") || "");
      input.reportValidity();
      input.addEventListener("input", function () { input.setCustomValidity(""); }, {once: true});
      input.focus();
      return;
    }
  }
  var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  var copy = event.target.closest ? event.target.closest("[data-copy-target]") : null;
  if (copy) {
    var source = document.getElementById(copy.getAttribute("data-copy-target"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.innerText).then(function () {
        copy.textContent = copy.getAttribute("data-copied") || copy.textContent;
      });
    } else if (source) {
      var range = document.createRange(); range.selectNodeContents(source);
      var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      document.execCommand("copy");
    }
  }
});
// A data table wider than the window says so above it: it scrolls sideways, the page not.
(function () {
  var hint = document.body.getAttribute("data-scroll-hint");
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      // A box that does not scroll (a table shown as cards on a phone) needs no hint.
      var scrolls = getComputedStyle(box).overflowX !== "visible";
      var wide = scrolls && box.scrollWidth > box.clientWidth + 1;
      var note = box.previousElementSibling;
      var has = note && note.classList.contains("scroll-hint");
      if (wide && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");  // keyboard users can scroll it too
        box.setAttribute("role", "region");
        if (hint) { box.setAttribute("aria-label", hint); }
      }
      if (wide && !has && hint) {
        note = document.createElement("p");
        note.className = "scroll-hint mb-1";
        note.textContent = "↔ " + hint;
        box.parentNode.insertBefore(note, box);
      } else if (!wide && has) {
        note.remove();
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
}());
