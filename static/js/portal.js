// The portal's one script, served from the site itself (the CSP allows
// 'self' only). Every page works without it; it adds what a script can:
// column names on the stacked rows of a table on a phone, and the keyboard
// on the error summary after a refused form.
(function () {
  "use strict";
  // After a refused form: the summary (which links each error to its field),
  // else the first answer marked wrong. autofocus does the same where it can.
  var refused = document.querySelector("[data-error-summary]") || document.querySelector("main [aria-invalid='true']");
  if (refused && document.activeElement !== refused) {
    refused.focus();
  }
  document.querySelectorAll("table.table, #result_list").forEach(function (table) {
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, position) {
        if (names[position] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", names[position]);
      });
    });
  });
})();
