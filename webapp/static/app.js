// Small page behaviours htmx does not cover. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";

  // --- One uuid for every script of the page (client_id, stroke ids). crypto.randomUUID
  // needs a secure context; a phone on the LAN over http has none.
  window.chatboard = {
    uuid: function () {
      var bytes = crypto.getRandomValues(new Uint8Array(16));
      bytes[6] = (bytes[6] & 0x0f) | 0x40;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      var hex = Array.from(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
      return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
    },
  };

  // --- Theme: a choice swaps it at once; the cookie lets the server render it next time.
  var THEME_COOKIE = "chatboard_theme";
  var themes = document.getElementById("theme");
  if (themes) {
    themes.addEventListener("change", function (event) {
      var choice = event.target;
      document.documentElement.dataset.theme = choice.value;
      document.getElementById("theme-name").textContent = choice.parentNode.textContent.trim();
      document.cookie = THEME_COOKIE + "=" + choice.value + "; path=/; max-age=31536000; SameSite=Lax";
    });
  }

  // --- Event log: every frame the socket sends and receives, and its state. The last 200.
  var LOG_SIZE = 200;
  var log = document.getElementById("event-log");
  var clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

  function record(direction, what, error) {
    if (!log) return;
    var newest = log.firstElementChild;
    if (newest && newest.dataset.direction === direction && newest.dataset.what === what && !error) {
      // A run of the same frame (a line being drawn) is one entry with a count.
      var count = Number(newest.dataset.count) + 1;
      newest.dataset.count = count;
      newest.querySelector(".count").textContent = " ×" + count;
      newest.querySelector("time").textContent = clock.format(new Date());
      return;
    }
    var entry = document.createElement("li");
    entry.className = "log-entry" + (error ? " error" : "");
    entry.dataset.direction = direction;
    entry.dataset.what = what;
    entry.dataset.count = 1;
    var time = document.createElement("time");
    time.textContent = clock.format(new Date());
    var arrow = document.createElement("span");
    arrow.className = "dir";
    arrow.title = direction;
    var glyph = document.createElement("span");
    glyph.setAttribute("aria-hidden", "true");
    glyph.textContent = { sent: "↑", received: "↓", state: "•" }[direction];
    var word = document.createElement("span");
    word.className = "visually-hidden";
    word.textContent = direction;
    arrow.append(glyph, word);
    var text = document.createElement("span");
    text.className = "what";
    text.textContent = what;
    var repeat = document.createElement("span");
    repeat.className = "count";
    text.appendChild(repeat);
    entry.append(time, arrow, text);
    log.prepend(entry);
    while (log.children.length > LOG_SIZE) log.lastElementChild.remove();
  }

  function describeSent(data) {
    try {
      var frame = JSON.parse(data);
      return (frame.action || "?") + (frame.room ? " room " + frame.room : "");
    } catch (error) {
      return "(not JSON)";
    }
  }

  // Received frames are HTML: list their top-level ids, and the ids they add inside.
  function describeReceived(data) {
    var parsed = document.createElement("template");
    parsed.innerHTML = data;
    var parts = Array.from(parsed.content.children, function (element) {
      var swap = element.getAttribute("hx-swap-oob");
      var inner = swap && swap !== "true" && swap.indexOf("outerHTML") !== 0
        ? Array.from(element.children, function (child) { return child.id || (child.dataset.code ? "error " + child.dataset.code : ""); }).filter(Boolean)
        : [];
      return (element.id || element.tagName.toLowerCase()) + (inner.length ? " › " + inner.slice(0, 3).join(" ") + (inner.length > 3 ? " …" : "") : "");
    });
    return { what: parts.join(", ") || "(empty)", error: parsed.content.querySelector("[data-code], .error") !== null };
  }

  // Every frame goes through the socket itself (board.js sends without a form), so log there.
  var createWebSocket = htmx.createWebSocket;
  htmx.createWebSocket = function (url) {
    var socket = createWebSocket(url);
    var send = socket.send;
    socket.send = function (data) {
      record("sent", describeSent(data), false);
      return send.call(socket, data);
    };
    socket.addEventListener("message", function (event) {
      var received = describeReceived(event.data);
      record("received", received.what, received.error);
    });
    return socket;
  };

  // --- Connection state: the badge, the log, and a banner while the socket is down.
  // Reconnects back off with jitter, so that a restarted server is not hit by every
  // browser at once; the delay is ours to know, for the countdown.
  var retryAt = null;
  var countdown = null;
  htmx.config.wsReconnectDelay = function (retries) {
    var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(retries, 5))) * (0.5 + Math.random() / 2);
    retryAt = Date.now() + delay;
    return delay;
  };

  // The badge and the banner say it briefly (both are announced); the countdown is
  // shown, not read out every second.
  var SHORT = { connecting: "connecting…", open: "live", reconnecting: "reconnecting…", closed: "offline" };
  function setConnection(state, detail) {
    var badge = document.getElementById("connection");
    var logState = document.getElementById("log-state");
    var banner = document.getElementById("connection-banner");
    if (badge && badge.dataset.state !== state) {
      badge.dataset.state = state;
      badge.textContent = SHORT[state];
    }
    if (logState) {
      logState.dataset.state = state;
      logState.textContent = detail;
    }
    if (!banner) return;
    var down = state === "closed" || state === "reconnecting";
    if (down === banner.hidden) {
      banner.hidden = !down;
      banner.querySelector(".banner-text").textContent = down ? "Connection lost." : "";
    }
    banner.querySelector(".banner-detail").textContent =
      state === "closed" ? "Reload the page to try again." : detail.charAt(0).toUpperCase() + detail.slice(1) + "…";
  }

  function tick() {
    var seconds = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
    setConnection("reconnecting", "reconnecting in " + seconds + " s");
  }

  var lost = false;
  document.addEventListener("htmx:wsConnecting", function () {
    clearInterval(countdown);
    retryAt = null;
    // A reconnect under way is still down: the banner stays until the socket is open.
    setConnection(lost ? "reconnecting" : "connecting", lost ? "reconnecting now" : "connecting");
    record("state", "connecting", false);
  });
  document.addEventListener("htmx:wsOpen", function () {
    var reconnected = lost;
    lost = false;
    setConnection("open", "open");
    record("state", "open", false);
    if (reconnected) refreshRooms();
  });

  // Room changes made while the page was offline are not replayed: the room list
  // is state, so a reconnected page fetches it whole, with its search in force.
  // The socket is already open, so nothing after the fetch is missed.
  function refreshRooms() {
    if (!document.getElementById("rooms")) return;
    var search = document.getElementById("room-search");
    var query = search ? search.value : "";
    htmx.ajax("GET", "/?q=" + encodeURIComponent(query), { target: "#rooms", swap: "outerHTML" })
      .then(markCurrentRoom);
  }
  document.addEventListener("htmx:wsClose", function (event) {
    clearInterval(countdown);
    lost = true;
    var closed = "closed (" + event.detail.event.code + ")";
    if (retryAt === null) {
      // htmx-ext-ws gives up on a normal close: nothing will reconnect.
      setConnection("closed", closed);
      record("state", closed, true);
      return;
    }
    record("state", closed + ", reconnecting", true);
    tick();
    countdown = setInterval(tick, 250);
  });

  // hx-confirm on a form the socket sends (deleting a room): htmx asks only before
  // its own requests, so ask here, and send nothing unless the answer is yes.
  document.addEventListener("htmx:wsConfigSend", function (event) {
    var question = event.target.getAttribute("hx-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // A rename sent and not yet answered (a refusal puts the current name back).
  var renaming = false;

  // A sent form is done with: clear the new-room name, fold an edited room away.
  document.addEventListener("htmx:wsAfterSend", function (event) {
    var form = event.target;
    // Answered by the new name (the form is replaced) or by an error.
    renaming = form.id === "me";
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
      // The phone bar's tabs stand for a panel's own tab, which shows the panel.
      if (!other.dataset.tab) document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    });
    if (tab.dataset.tab) {
      document.querySelector(".workspace").dataset.view = tab.dataset.view;
      selectTab(document.getElementById(tab.dataset.tab));
      return;
    }
    tab.dispatchEvent(new CustomEvent("tab:selected", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[role=tab]");
    if (tab) selectTab(tab);
  });
  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest("[role=tab]");
    if (!tab) return;
    var tabs = Array.from(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    var at = tabs.indexOf(tab);
    var next = { ArrowRight: tabs[(at + 1) % tabs.length], ArrowLeft: tabs[(at + tabs.length - 1) % tabs.length], Home: tabs[0], End: tabs[tabs.length - 1] }[event.key];
    if (!next) return;
    event.preventDefault();
    selectTab(next);
    next.focus();
  });

  // The side list marks the room this page shows; an entry swapped in anew is marked again.
  function markCurrentRoom() {
    var main = document.querySelector("main[data-room]");
    var link = main && document.querySelector("#room-" + main.dataset.room + " .room-link");
    if (link) link.setAttribute("aria-current", "page");
  }
  document.addEventListener("DOMContentLoaded", markCurrentRoom);
  document.addEventListener("htmx:wsAfterMessage", markCurrentRoom);

  // How long ago each room's latest message was, kept current (the server said it when it sent it).
  function ago(when) {
    var seconds = Math.max(0, (Date.now() - when) / 1000);
    var units = [[86400, "d"], [3600, "h"], [60, "min"]];
    for (var i = 0; i < units.length; i++) {
      if (seconds >= units[i][0]) return Math.floor(seconds / units[i][0]) + " " + units[i][1] + " ago";
    }
    return "just now";
  }
  setInterval(function () {
    document.querySelectorAll("time[data-ago]").forEach(function (time) {
      var when = Date.parse(time.getAttribute("datetime"));
      if (!isNaN(when)) time.textContent = ago(when);
    });
  }, 30000);

  // Error notices fade away on their own; the newest stays on top.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "me") renaming = false;
    var errors = document.getElementById("errors");
    if (!errors || event.detail.target !== errors) return;
    var notice = errors.firstElementChild;
    if (notice) setTimeout(function () { notice.remove(); }, 6000);
    // The same notice again (a muted person's every action says so) replaces the older copy.
    Array.prototype.forEach.call(errors.querySelectorAll(".error"), function (older) {
      if (older !== notice && older.dataset.code === notice.dataset.code && older.textContent === notice.textContent) older.remove();
    });
    // A refused rename: the header's field shows the current name again, beside why.
    if (notice && notice.classList.contains("error") && renaming) {
      var field = document.getElementById("my-name");
      if (field) field.value = field.defaultValue;
    }
    renaming = false;
    // A moderator closed this page's room: to the lobby, which says why.
    if (notice && notice.dataset.notice === "room_closed") {
      setTimeout(function () { window.location.assign("/?notice=room_closed"); }, 1500);
    }
  });
})();
