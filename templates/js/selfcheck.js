// Self-check: compare a form's inputs with its data-answer and say whether they match.
// Plain script, no libraries, nothing fetched: the page works from a single file.
(function () {
  "use strict";
  var main = document.getElementById("self-check");

  function normalize(text) {
    return text.toLowerCase().replace(/\s+/g, " ").replace(/^[\s.,;:!?"'«»]+|[\s.,;:!?"'«»]+$/g, "");
  }

  function checked(form) {
    return Array.prototype.map.call(form.querySelectorAll("input:checked"), function (i) { return i.value; }).sort();
  }

  function selects(form) {
    return Array.prototype.slice.call(form.querySelectorAll("select"));
  }

  // Return true or false, or null when nothing was answered yet.
  function judge(form) {
    var answer = JSON.parse(form.getAttribute("data-answer"));
    var type = form.getAttribute("data-type");
    if (type === "short") {
      var given = normalize(form.querySelector("input[type=text]").value);
      if (!given) return null;
      return answer.some(function (a) { return normalize(a) === given; });
    }
    if (type === "matching") {
      var chosen = selects(form).map(function (s) { return s.value; });
      if (chosen.indexOf("") !== -1) return null;
      return chosen.join(",") === answer.join(",");
    }
    if (type === "ordering") {
      var positions = selects(form);
      if (positions.some(function (s) { return !s.value; })) return null;
      return positions.every(function (s) { return answer.indexOf(s.name) + 1 === Number(s.value); });
    }
    var marked = checked(form);
    if (!marked.length) return null;
    return marked.join(",") === answer.slice().sort().join(",");
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.sc"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var verdict = judge(form);
      var result = form.querySelector(".result");
      form.classList.remove("right", "wrong");
      if (verdict === null) {
        result.textContent = main.getAttribute("data-unanswered");
        return;
      }
      form.classList.add(verdict ? "right" : "wrong");
      result.textContent = main.getAttribute(verdict ? "data-correct" : "data-incorrect");
      form.querySelector("details").open = true;
    });
  });
})();
