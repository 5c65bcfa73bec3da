// Marketplace pages: "select all" checkboxes for fill proposals (CSP forbids inline scripts).
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("[data-select-all]")) { return; }
  var name = box.getAttribute("data-select-all");
  var scope = box.getAttribute("data-select-scope");
  var form = (scope && document.getElementById(scope)) || box.form || document;
  form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (other) {
    other.checked = box.checked;
  });
});
