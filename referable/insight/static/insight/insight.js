// Draws each dashboard chart from the JSON beside its canvas; the table under each
// chart holds the same numbers, so the page says everything without this script.
(function () {
  function draw(root) {
    if (!window.Chart || !root.querySelectorAll) return;
    root.querySelectorAll("canvas[data-spec]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.spec);
      if (!source) return;
      var existing = window.Chart.getChart(canvas);
      if (existing) existing.destroy();
      new window.Chart(canvas, JSON.parse(source.textContent));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  // the filters swap the dashboard in place (htmx): draw the new charts
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
