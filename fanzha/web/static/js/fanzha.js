/* Small behaviours of the pages, no framework: add and remove rows of the report form.
   A row is cloned from a <template> whose field names carry "__i__"; the next free index is
   kept on the list (data-next), so names never collide after removals. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var list = document.getElementById(add.dataset.addRow);
      var template = document.getElementById(add.dataset.template);
      var index = Number(list.dataset.next || list.children.length);
      list.dataset.next = String(index + 1);
      list.insertAdjacentHTML("beforeend", template.innerHTML.split("__i__").join(String(index)));
      var first = list.lastElementChild && list.lastElementChild.querySelector("input, select");
      if (first) first.focus();
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest(".row-card");
      if (row) row.remove();
    }
  });
})();
