// Behaviour that CSP forbids inline: auto-submit selects, confirm buttons, copy buttons.
document.documentElement.classList.add("js");
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
});
document.addEventListener("click", function (event) {
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
