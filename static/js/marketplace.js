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

// Wage grid: "norm met" follows the hours while the inspector has not answered it: hours
// worked at or above the month's norm say yes, below it no. An answer chosen by hand stays.
document.addEventListener("input", function (event) {
  var field = event.target;
  var match = field.id && /^(hours_worked|norm_hours)-(\d+)$/.exec(field.id);
  if (!match) { return; }
  var pid = match[2];
  var answer = document.getElementById("norm_met-" + pid);
  var hours = document.getElementById("hours_worked-" + pid);
  var norm = document.getElementById("norm_hours-" + pid);
  if (!answer || !hours || !norm || answer.hasAttribute("data-answered")) { return; }
  var worked = parseInt(hours.value, 10), needed = parseInt(norm.value, 10);
  answer.value = (isNaN(worked) || isNaN(needed)) ? "" : (worked >= needed ? "1" : "0");
});
document.addEventListener("change", function (event) {
  if (event.target.id && /^norm_met-\d+$/.test(event.target.id)) {
    event.target.setAttribute("data-answered", "1");
  }
});
// A row that comes with its answer (a saved record, or a form sent back) keeps it.
document.querySelectorAll("select[id^='norm_met-']").forEach(function (answer) {
  if (answer.value !== "") { answer.setAttribute("data-answered", "1"); }
});
