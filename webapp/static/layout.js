// A room's layout on wide screens: the conversation and the board side by side,
// the split between them dragged (or moved with the arrow keys) and remembered,
// the rooms' column folded away on request. Narrower screens keep the tabs; there
// a dot on Messages says that messages arrived while the board was shown.
(function () {
  "use strict";

  var chat = document.querySelector(".room-page .chat");
  var splitter = document.getElementById("splitter");
  var workspace = document.querySelector(".room-page");
  var toggle = document.getElementById("side-toggle");
  if (!chat || !splitter || !workspace || !toggle) return;
  var messagesPanel = document.getElementById("panel-messages");
  var boardPanel = document.getElementById("panel-board");

  // Wide: every panel shows at once (the tabs are not shown). Narrower: the selected tab's panel.
  var wide = window.matchMedia("(min-width: 1200px)");
  var panels = chat.querySelectorAll(":scope > [role=tabpanel]");
  function arrange() {
    panels.forEach(function (panel) {
      var tab = document.getElementById(panel.getAttribute("aria-labelledby"));
      panel.hidden = !wide.matches && tab.getAttribute("aria-selected") !== "true";
    });
  }
  wide.addEventListener("change", arrange);
  arrange();

  function remembered(key, fallback) {
    try { return localStorage.getItem(key) || fallback; } catch (error) { return fallback; }
  }
  function remember(key, value) {
    try { localStorage.setItem(key, value); } catch (error) { /* private mode: for this page only */ }
  }

  // The split is the conversation's share of the two, 20–80 %.
  function setSplit(percent) {
    percent = Math.max(20, Math.min(80, Math.round(percent)));
    chat.style.setProperty("--split", (percent / (100 - percent)).toFixed(3) + "fr");
    splitter.setAttribute("aria-valuenow", String(percent));
    return percent;
  }
  setSplit(Number(remembered("chatboard.split", "40")));

  splitter.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    splitter.setPointerCapture(event.pointerId);
    var left = messagesPanel.getBoundingClientRect().left;
    var right = boardPanel.getBoundingClientRect().right;
    function move(moved) { setSplit(100 * (moved.clientX - left) / (right - left)); }
    function end() {
      splitter.removeEventListener("pointermove", move);
      remember("chatboard.split", splitter.getAttribute("aria-valuenow"));
    }
    splitter.addEventListener("pointermove", move);
    splitter.addEventListener("lostpointercapture", end, { once: true });
  });
  splitter.addEventListener("keydown", function (event) {
    var step = { ArrowLeft: -5, ArrowRight: 5 }[event.key];
    if (!step) return;
    event.preventDefault();
    remember("chatboard.split", String(setSplit(Number(splitter.getAttribute("aria-valuenow")) + step)));
  });

  function fold(folded) {
    workspace.dataset.side = folded ? "folded" : "open";
    toggle.setAttribute("aria-expanded", String(!folded));
    toggle.textContent = folded ? "Show rooms" : "Hide rooms";
  }
  fold(remembered("chatboard.side", "open") === "folded");
  toggle.addEventListener("click", function () {
    var folded = workspace.dataset.side !== "folded";
    fold(folded);
    remember("chatboard.side", folded ? "folded" : "open");
  });

  // Tabs (narrower screens): messages that arrive while another panel shows mark Messages.
  var marks = [document.getElementById("tab-messages"), document.getElementById("phone-tab-messages")];
  // Only messages appended at the end: an older page loading above is not news.
  new MutationObserver(function (records) {
    if (messagesPanel.offsetParent !== null) return;
    var arrived = records.some(function (record) {
      return Array.from(record.addedNodes).some(function (node) {
        return node.nodeType === 1 && node.classList.contains("message") && !node.nextElementSibling;
      });
    });
    if (arrived) marks.forEach(function (tab) { if (tab) tab.dataset.unread = "true"; });
  }).observe(document.getElementById("messages"), { childList: true });
  document.addEventListener("tab:selected", function (event) {
    if (event.target.id !== "tab-messages" && event.target.id !== "phone-tab-messages") return;
    marks.forEach(function (tab) { if (tab) delete tab.dataset.unread; });
  });
})();
