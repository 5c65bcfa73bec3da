// A background job's progress bar: asks the server every second until the file is ready.
(function () {
  var box = document.getElementById("job");
  if (!box) { return; }
  var bar = document.getElementById("job-bar");
  var message = document.getElementById("job-message");
  var download = document.getElementById("job-download");
  var retry = document.getElementById("job-retry");

  function show(state) {
    var share = state.status === "finished" ? 1 : (state.share || 0);
    bar.style.width = Math.round(share * 100) + "%";
    bar.parentNode.setAttribute("aria-valuenow", String(Math.round(share * 100)));
    box.setAttribute("data-status", state.status);
    var key = state.stalled ? "stalled" : state.status;
    var text = message.getAttribute("data-" + key) || "";
    message.textContent = text.replace("{done}", state.done).replace("{total}", state.total || "…");
    if (state.download) { download.href = state.download; download.classList.remove("d-none"); }
    if (state.status === "failed" || state.stalled) { retry.classList.remove("d-none"); }
    return state.status === "queued" || state.status === "running";
  }

  function poll() {
    fetch(box.getAttribute("data-state-url"), { headers: { "Accept": "application/json" },
                                                 credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) { if (show(state)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  bar.style.width = Math.round(parseFloat(bar.getAttribute("data-share") || "0") * 100) + "%";
  if (["queued", "running"].indexOf(box.getAttribute("data-status")) >= 0) { poll(); }
})();
