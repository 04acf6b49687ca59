// Small page behaviours htmx does not cover. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";

  function setConnection(state, text) {
    var badge = document.getElementById("connection");
    if (!badge) return;
    badge.dataset.state = state;
    badge.textContent = text;
    document.body.classList.toggle("offline", state !== "open" && state !== "connecting");
  }

  document.addEventListener("htmx:wsConnecting", function () { setConnection("connecting", "connecting…"); });
  document.addEventListener("htmx:wsOpen", function () { setConnection("open", "live"); });
  document.addEventListener("htmx:wsClose", function () { setConnection("closed", "offline, reconnecting…"); });

  // A sent form is done with: clear the new-room name, fold an edited room away.
  document.addEventListener("htmx:wsAfterSend", function (event) {
    var form = event.target;
    if (form.matches("form.create-room")) form.reset();
    var details = form.closest("details.room-edit");
    if (details && !form.matches(".recolor-room")) details.open = false;
  });

  // Error notices fade away on their own; the newest stays on top.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var errors = document.getElementById("errors");
    if (!errors || event.detail.target !== errors) return;
    var notice = errors.firstElementChild;
    if (notice) setTimeout(function () { notice.remove(); }, 6000);
  });
})();
