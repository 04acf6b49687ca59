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

  // Tabs (WAI-ARIA tabs pattern): click or arrow keys pick a panel.
  function selectTab(tab) {
    var list = tab.closest("[role=tablist]");
    list.querySelectorAll("[role=tab]").forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    });
    tab.dispatchEvent(new CustomEvent("tab:selected", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[role=tab]");
    if (tab) selectTab(tab);
  });
  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest("[role=tab]");
    if (!tab || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    var tabs = Array.from(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    var next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    selectTab(next);
    next.focus();
  });

  // Error notices fade away on their own; the newest stays on top.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var errors = document.getElementById("errors");
    if (!errors || event.detail.target !== errors) return;
    var notice = errors.firstElementChild;
    if (notice) setTimeout(function () { notice.remove(); }, 6000);
  });
})();
