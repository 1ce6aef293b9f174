// monitor: two small conveniences, no build step.
// 1. Filter boxes marked data-filter hide non-matching rows as you type (the form still works
//    without JavaScript: it submits ?q= and the server filters).
// 2. Every 20 s ask /api/health for the log's head; when it moved, offer a reload.
(function () {
  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    var table = document.querySelector(box.dataset.filter);
    if (!table) return;
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr[data-text]").forEach(function (row) {
        row.hidden = needle !== "" && row.dataset.text.indexOf(needle) < 0;
      });
    });
  });
  var seen = null;
  function poll() {
    fetch("/api/health", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (h) {
        if (seen !== null && h.position !== seen) {
          document.getElementById("live").hidden = false;
        }
        if (seen === null) seen = h.position;
      }).catch(function () {});
  }
  poll();
  setInterval(poll, 20000);
})();
