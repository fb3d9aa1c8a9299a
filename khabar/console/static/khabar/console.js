// The comment queue's keyboard: j/k move, x selects, a approves, r rejects (the selection, else the current comment).
(function () {
  "use strict";
  var form = document.getElementById("comment-queue");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll(".comment-row"));
  var current = -1;
  function focusRow(i) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (row, n) { row.setAttribute("aria-selected", n === current ? "true" : "false"); });
    rows[current].focus();
  }
  function act(action) {
    var chosen = form.querySelectorAll("input[name=ids]:checked");
    if (!chosen.length && current >= 0) rows[current].querySelector("input[name=ids]").checked = true;
    if (!form.querySelector("input[name=ids]:checked")) return;
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "action"; input.value = action;
    form.appendChild(input);
    form.submit();
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "textarea" || (tag === "input" && event.target.type !== "checkbox") || tag === "select") return;
    var key = event.key.toLowerCase();
    if (key === "j") { focusRow(current + 1); event.preventDefault(); }
    else if (key === "k") { focusRow(current - 1); event.preventDefault(); }
    else if (key === "x" && current >= 0) { var box = rows[current].querySelector("input[name=ids]"); box.checked = !box.checked; event.preventDefault(); }
    else if (key === "a") { act("approve"); event.preventDefault(); }
    else if (key === "r") { act("reject"); event.preventDefault(); }
  });
})();
