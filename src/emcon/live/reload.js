// Injected by `emcon serve` into the pages it serves (never into build/): asks the
// local server for the build's version, reloads when it changes, shows content errors.
(function () {
  "use strict";
  var seen = null;

  function show(error) {
    var box = document.getElementById("emcon-serve-error");
    if (!error) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("pre");
      box.id = "emcon-serve-error";
      box.setAttribute("role", "alert");
      document.body.appendChild(box);
    }
    box.textContent = error;
  }

  function poll() {
    fetch("/__emcon__/status", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (seen !== null && status.version !== seen && !status.error) {
          location.reload();
          return;
        }
        seen = status.version;
        show(status.error);
      })
      .catch(function () { /* the server is restarting or stopped: keep asking */ })
      .then(function () { setTimeout(poll, 700); });
  }

  poll();
})();
