// Sorting by a column header, and the enlarged FSC plot of a row.
(function () {
  var table = document.getElementById("maps");
  var body = table.tBodies[0];
  table.tHead.addEventListener("click", function (event) {
    var th = event.target.closest("th[data-type]");
    if (!th) return;
    var column = th.cellIndex;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.dataset.type === "number";
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) {
      var value = row.cells[column].dataset.sort;
      if (value === undefined || value === "") return null;
      return numeric ? parseFloat(value) : value;
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === null || y === null) return (x === null) - (y === null);  // empty cells last
      var order = numeric ? x - y : x.localeCompare(y);
      return ascending ? order : -order;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  });
  var viewer = document.getElementById("viewer");
  var content = viewer.querySelector(".content");
  body.addEventListener("click", function (event) {
    var button = event.target.closest("button.thumb");
    if (!button) return;
    content.textContent = "";
    var heading = document.createElement("h3");
    heading.textContent = button.dataset.title;
    content.appendChild(heading);
    content.appendChild(button.querySelector("svg").cloneNode(true));
    var details = button.parentNode.querySelector(".details");
    if (details) content.appendChild(details.cloneNode(true));
    viewer.hidden = false;
  });
  viewer.addEventListener("click", function (event) {
    if (event.target === viewer || event.target.closest("button.close")) viewer.hidden = true;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") viewer.hidden = true;
  });
})();
