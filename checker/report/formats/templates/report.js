// Filtering the findings: an enhancement only. Without scripts every finding is shown.
(function () {
  "use strict";
  var panel = document.getElementById("finding-filter");
  var groups = document.querySelectorAll(".finding-group");
  if (!panel || groups.length === 0) {
    return;
  }
  var text = document.getElementById("filter-text");
  var rule = document.getElementById("filter-rule");
  var count = document.getElementById("filter-count");
  var total = document.querySelectorAll(".finding-group tbody tr").length;

  function apply() {
    var needle = text.value.trim().toLowerCase();
    var wanted = rule.value;
    var shown = 0;
    groups.forEach(function (group) {
      var ruleMatches = !wanted || group.getAttribute("data-rule") === wanted;
      var inGroup = 0;
      group.querySelectorAll("tbody tr").forEach(function (row) {
        var show = ruleMatches && (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1);
        row.hidden = !show;
        inGroup += show ? 1 : 0;
      });
      group.hidden = inGroup === 0;
      shown += inGroup;
    });
    count.textContent = shown + " of " + total + " findings shown";
  }

  text.addEventListener("input", apply);
  rule.addEventListener("change", apply);
  panel.hidden = false;
  apply();
})();
