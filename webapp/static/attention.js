// Attention, on every page with a socket: the "(N)" title and the favicon's dot from the
// room list's unread entries, desktop notifications while the tab is hidden, the read
// position sent as messages are seen, typing frames, the notify control and @ completion.
(function () {
  "use strict";

  var me = document.body.dataset.me;
  var main = document.querySelector("main[data-room]");
  var here = main ? main.dataset.room : null; // the room this page shows, if any
  var list = document.getElementById("messages");
  var composer = document.getElementById("composer");
  var box = composer && composer.querySelector("textarea");
  var notifyLevel = document.getElementById("notify-level");
  var permission = document.getElementById("notify-permission");

  var socket = null;
  document.addEventListener("htmx:wsOpen", function (event) {
    socket = event.detail.socketWrapper;
    markSeen();
  });
  function send(fields) {
    if (socket) socket.send(JSON.stringify(fields));
  }

  // --- Title and favicon: N unread in the rooms that notify, a dot for a mention.
  var baseTitle = document.title.replace(/^\(\d+\+?\) /, "");
  var icon = document.querySelector('link[rel="icon"]');
  var plainIcon = icon ? icon.href : null;
  var dotIcon = null;
  if (icon) {
    fetch(plainIcon).then(function (response) { return response.text(); }).then(function (svg) {
      dotIcon = "data:image/svg+xml," + encodeURIComponent(svg.replace("</svg>", '<circle cx="50" cy="14" r="13" fill="#e0245e" stroke="#fff" stroke-width="3"/></svg>'));
      showTotals();
    });
  }

  function entries() {
    return Array.from(document.querySelectorAll('.unread[id^="unread-"]'));
  }
  function roomOf(entry) { return entry.id.slice("unread-".length); }

  function showTotals() {
    var count = 0;
    var mentioned = false;
    entries().forEach(function (entry) {
      if (entry.dataset.notify === "off") return;
      count += Number(entry.dataset.count) || 0;
      if (Number(entry.dataset.mentions) > 0) mentioned = true;
    });
    // A room renamed live renames its page's tab too.
    var title = document.getElementById("room-title");
    if (title) baseTitle = title.textContent.trim() + " · Chatboard";
    document.title = (count ? "(" + count + ") " : "") + baseTitle;
    if (!icon) return;
    icon.dataset.mention = String(mentioned);
    var href = mentioned && dotIcon ? dotIcon : plainIcon;
    if (icon.href !== href) icon.href = href;
  }

  // --- Notifications: asked for on a click only, shown while the tab is hidden.
  function canNotify() { return "Notification" in window && Notification.permission === "granted"; }
  function showPermission() {
    if (permission) permission.hidden = !("Notification" in window) || Notification.permission !== "default";
  }
  function askPermission() {
    if (!("Notification" in window) || Notification.permission !== "default") return;
    Notification.requestPermission().then(showPermission);
  }
  if (permission) permission.addEventListener("click", askPermission);
  showPermission();

  function notify(title, body, room, message) {
    if (!document.hidden || !canNotify()) return;
    var shown = new Notification(title, { body: body, tag: "room-" + room });
    shown.onclick = function () {
      window.focus();
      window.location.href = "/rooms/" + room + (message ? "?message=" + message : "");
    };
  }

  // Other rooms: the newest unread message (all) or mention (mentions) of an entry
  // that moved on since it was last seen. This page's own room notifies from its messages.
  var seen = {};
  function remember(entry) {
    seen[entry.id] = { latest: Number(entry.dataset.latest) || 0, mention: Number(entry.dataset.mention) || 0 };
  }
  entries().forEach(remember);
  function roomName(entry) {
    var name = entry.closest(".room") && entry.closest(".room").querySelector(".room-name");
    return name ? name.textContent : "a room";
  }
  function checkEntries() {
    entries().forEach(function (entry) {
      var before = seen[entry.id] || { latest: 0, mention: 0 };
      remember(entry);
      var room = roomOf(entry);
      if (room === here || entry.dataset.notify === "off") return;
      var mention = Number(entry.dataset.mention) || 0;
      var latest = Number(entry.dataset.latest) || 0;
      if (mention > before.mention) {
        if (window.chatboard.chime) window.chatboard.chime(false, true);
        notify("You were mentioned in " + roomName(entry), "", room, mention);
      } else if (entry.dataset.notify === "all" && latest > before.latest) {
        notify("New message in " + roomName(entry), "", room, latest);
      }
    });
    showTotals();
  }
  document.addEventListener("htmx:wsAfterMessage", checkEntries);
  document.addEventListener("htmx:afterSwap", checkEntries);
  showTotals();

  // --- This room: notify for its messages, mark what is seen as read.
  if (!here || !list) return;

  function level() { return notifyLevel ? notifyLevel.value : "mentions"; }
  function mentionsMe(message) { return message.querySelector('.mention[data-user="' + me + '"]') !== null; }

  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1 || !node.matches("article.message") || node.dataset.author === me || node.nextElementSibling) return;
        if (level() === "all" || (level() === "mentions" && mentionsMe(node))) {
          var author = node.querySelector(".author");
          var body = node.querySelector(".body");
          notify((author ? author.textContent : "") + " in " + baseTitle, body ? body.textContent.slice(0, 200) : "", here, node.id.slice("message-".length));
        }
      });
    });
    markSeen();
  }).observe(list, { childList: true });

  // The read position follows what the reader sees: the tab visible, the log at its latest.
  // At most one mark_read a second; the server keeps the furthest.
  var STICK = 40;
  var sent = 0;
  var timer = null;
  var lastSent = 0;
  function newest() {
    var last = 0;
    list.querySelectorAll(".message[id^='message-']").forEach(function (message) {
      last = Math.max(last, Number(message.id.slice("message-".length)) || 0);
    });
    return last;
  }
  function seeing() {
    return document.visibilityState === "visible" && list.offsetParent !== null
      && list.scrollHeight - list.scrollTop - list.clientHeight <= STICK;
  }
  function markSeen() {
    if (!socket || !here || !list || !seeing()) return;
    var message = newest();
    if (message <= sent) return;
    var wait = 1000 - (Date.now() - lastSent);
    if (wait > 0) {
      if (!timer) timer = setTimeout(function () { timer = null; markSeen(); }, wait);
      return;
    }
    sent = message;
    lastSent = Date.now();
    list.dataset.read = String(message); // what this page last said it read
    send({ action: "mark_read", room: Number(here), message: message });
  }
  list.addEventListener("scroll", markSeen, { passive: true });
  document.addEventListener("visibilitychange", markSeen);
  window.addEventListener("focus", markSeen);
  document.addEventListener("tab:selected", markSeen);

  // --- How this room notifies: the control sends set_notify; choosing to be told is a
  // click, so it may ask for the browser's permission.
  if (notifyLevel) {
    notifyLevel.addEventListener("change", function () {
      send({ action: "set_notify", room: Number(here), level: notifyLevel.value });
      if (notifyLevel.value !== "off") askPermission();
    });
  }

  // --- Typing: at most one frame every 2 s while the reader types.
  var typingSent = 0;
  if (box) {
    box.addEventListener("input", function () {
      if (!box.value.trim() || Date.now() - typingSent < 2000) return;
      typingSent = Date.now();
      send({ action: "typing" });
    });
  }
  // A line of who was typing is stale once the socket is gone.
  document.addEventListener("htmx:wsClose", function () {
    var typing = document.getElementById("typing");
    if (typing) {
      typing.dataset.users = "";
      Array.from(typing.children).forEach(function (line) { line.textContent = ""; });
    }
  });

  // --- @ completion: the room's people (those listed and those who wrote here).
  if (!box) return;
  var choices = document.createElement("ul");
  choices.id = "mention-choices";
  choices.className = "mention-choices";
  choices.setAttribute("role", "listbox");
  choices.setAttribute("aria-label", "People to mention");
  choices.hidden = true;
  composer.appendChild(choices);
  var typed = null; // { start, end } of the "@query" being completed

  function people() {
    var byId = {};
    document.querySelectorAll("#users [class^='name-of-'], #messages .message .author[class*='name-of-']").forEach(function (el) {
      var match = /name-of-(\d+)/.exec(el.className);
      if (match && match[1] !== me && !byId[match[1]]) byId[match[1]] = el.textContent.trim();
    });
    return Object.keys(byId).map(function (id) { return { id: id, name: byId[id] }; })
      .sort(function (a, b) { return a.name.localeCompare(b.name); });
  }
  function close() {
    choices.hidden = true;
    choices.textContent = "";
    typed = null;
    box.removeAttribute("aria-activedescendant");
  }
  function offer() {
    var before = box.value.slice(0, box.selectionStart);
    var match = /(^|[\s(\["'“‘])@([^@\n]{0,64})$/.exec(before);
    if (!match) { close(); return; }
    var query = match[2].toLowerCase();
    var found = people().filter(function (person) { return person.name.toLowerCase().indexOf(query) === 0; }).slice(0, 8);
    if (!found.length) { close(); return; }
    typed = { start: before.length - match[2].length - 1, end: box.selectionStart };
    choices.textContent = "";
    found.forEach(function (person, index) {
      var option = document.createElement("li");
      option.id = "mention-choice-" + person.id;
      option.setAttribute("role", "option");
      option.dataset.user = person.id;
      option.textContent = person.name;
      option.setAttribute("aria-selected", String(index === 0));
      choices.appendChild(option);
    });
    choices.hidden = false;
    box.setAttribute("aria-activedescendant", choices.firstElementChild.id);
  }
  function choose(option) {
    var text = "@" + option.textContent + " ";
    box.value = box.value.slice(0, typed.start) + text + box.value.slice(typed.end);
    var caret = typed.start + text.length;
    box.setSelectionRange(caret, caret);
    close();
    box.focus();
  }
  function move(step) {
    var options = Array.from(choices.children);
    var at = options.findIndex(function (option) { return option.getAttribute("aria-selected") === "true"; });
    var next = options[(at + step + options.length) % options.length];
    options.forEach(function (option) { option.setAttribute("aria-selected", String(option === next)); });
    box.setAttribute("aria-activedescendant", next.id);
    next.scrollIntoView({ block: "nearest" });
  }
  box.addEventListener("input", offer);
  box.addEventListener("blur", function () { setTimeout(close, 150); });
  // On the form, in the capture phase: before the composer's own Enter-sends.
  composer.addEventListener("keydown", function (event) {
    if (choices.hidden || event.target !== box) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" || event.key === "Tab") {
      choose(choices.querySelector('[aria-selected="true"]'));
    } else if (event.key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }, true);
  choices.addEventListener("mousedown", function (event) {
    var option = event.target.closest("li");
    if (!option) return;
    event.preventDefault(); // keep the focus in the box
    choose(option);
  });
})();
