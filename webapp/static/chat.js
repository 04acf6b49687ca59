// The room page's chat: composer keys, scroll that sticks to the latest message,
// older pages that load without moving the view, local times, sounds, mute.
(function () {
  "use strict";

  var list = document.getElementById("messages");
  var composer = document.getElementById("composer");
  if (!list || !composer) return;
  var box = composer.querySelector("textarea");
  var jump = document.getElementById("jump-latest");
  var soundToggle = document.getElementById("sound-toggle");
  var me = document.body.dataset.me;

  // --- Reconnecting: the room socket sends the room's changes after the last
  // one the page holds (its change log's sequence number, ?seq=), so nothing
  // said while the connection was down goes missing, and nothing comes twice.
  var createWebSocket = htmx.createWebSocket;
  // The first connect sends seq= too (the page's own, as rendered): what is said
  // between the page's render and the socket's subscription is not lost either.
  htmx.createWebSocket = function (url) {
    var seq = Number(list.dataset.seq) || 0;
    list.querySelectorAll("[data-seq]").forEach(function (el) { seq = Math.max(seq, Number(el.dataset.seq) || 0); });
    // after=: the newest message shown, so missed changes to shown messages replace them, new ones append.
    var after = 0;
    list.querySelectorAll(".message").forEach(function (el) { after = Math.max(after, idOf(el)); });
    return createWebSocket(url + (url.indexOf("?") === -1 ? "?" : "&") + "seq=" + seq + (after ? "&after=" + after : ""));
  };

  // --- Composer: Enter sends, Shift+Enter makes a new line; a fresh client_id per send.
  box.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    if (box.value.trim()) composer.requestSubmit();
  });
  composer.addEventListener("htmx:wsConfigSend", function (event) {
    // The server stores a client_id once, so a send that is retried is not shown twice.
    event.detail.parameters.client_id = chatboard.uuid();
  });
  composer.addEventListener("htmx:wsAfterSend", function () {
    composer.reset();
    box.focus();
  });

  // --- Scrolling. The view sticks to the bottom unless the reader scrolled up;
  // then new messages show the "new messages" button instead of moving the view.
  var STICK = 40; // px from the bottom that still counts as "at the latest"
  var stuck = true;
  var fromBottom = 0; // scrollHeight - scrollTop, to keep the view still when pages load above

  function atBottom() { return list.scrollHeight - list.scrollTop - list.clientHeight <= STICK; }
  function remember() { fromBottom = list.scrollHeight - list.scrollTop; }
  function toLatest() {
    list.scrollTop = list.scrollHeight;
    stuck = true;
    jump.hidden = true;
    remember();
  }
  list.addEventListener("scroll", function () {
    stuck = atBottom();
    if (stuck) jump.hidden = true;
    remember();
  }, { passive: true });
  jump.addEventListener("click", toLatest);
  // The panel may be hidden behind another tab on entry; show the latest when it opens.
  document.addEventListener("tab:selected", function () { if (stuck) toLatest(); });

  var observer = new MutationObserver(function (records) {
    var appended = [];
    var prepended = false;
    var resynced = false; // missed too much while offline: the history started over
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && node.id === "messages-resynced") resynced = true;
        if (node.nodeType !== 1 || !node.classList.contains("message")) return;
        if (document.querySelectorAll("#" + node.id).length > 1) { node.remove(); return; } // caught up twice
        if (node.nextElementSibling) prepended = true; else appended.push(node);
        localTime(node);
      });
    });
    if (resynced) {
      list.dataset.resynced = String(Number(list.dataset.resynced || 0) + 1);
      toLatest();
      remember();
      return;
    }
    if (prepended) {
      // An older page went in above: keep what the reader sees where it was.
      list.scrollTop = list.scrollHeight - fromBottom;
    }
    if (appended.length) {
      appended.forEach(inStoredOrder);
      if (stuck) toLatest(); else jump.hidden = false;
      var last = appended[appended.length - 1];
      chime(last.dataset.author === me);
      announce(appended);
    }
    remember();
  });
  observer.observe(list, { childList: true });

  // Screen readers hear other people's new messages, whichever tab is open.
  var announcer = document.getElementById("announcer");
  function announce(added) {
    var theirs = added.filter(function (message) { return message.dataset.author !== me; });
    if (!theirs.length) return;
    announcer.textContent = theirs.map(function (message) {
      return message.querySelector(".author").textContent + ": " + message.querySelector(".body").textContent;
    }).join("\n");
  }

  // Messages show in the order they were stored (ids ascend). With several server
  // processes two messages can arrive crossed; the later id moves below.
  function idOf(message) { return Number(message.id.slice("message-".length)); }
  function inStoredOrder(message) {
    var before = message.previousElementSibling;
    while (before && before.classList.contains("message") && idOf(before) > idOf(message)) {
      before = before.previousElementSibling;
    }
    if (before !== message.previousElementSibling) list.insertBefore(message, before ? before.nextElementSibling : list.firstElementChild);
  }

  // --- Users list: one entry per user. The list a socket gets as it opens and
  // that socket's own entrance can cross; the newest entry stays.
  var users = document.getElementById("users");
  new MutationObserver(function () {
    var seen = {};
    users = document.getElementById("users"); // the whole list may have been replaced
    Array.from(users.querySelectorAll("li[id]")).reverse().forEach(function (entry) {
      if (seen[entry.id]) entry.remove(); else seen[entry.id] = true;
    });
  }).observe(users.parentNode, { childList: true, subtree: true });

  // --- Times in the reader's own time zone; the date too when it is not today.
  var timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  var dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  function localTime(message) {
    var time = message.querySelector("time[datetime]");
    if (!time) return;
    var when = new Date(time.getAttribute("datetime"));
    if (isNaN(when)) return;
    var today = new Date().toDateString() === when.toDateString();
    time.textContent = (today || message.dataset.continues ? timeFormat : dateTimeFormat).format(when);
    time.title = dateTimeFormat.format(when);
  }
  list.querySelectorAll(".message").forEach(localTime);

  // --- Sounds, made with Web Audio: no sound files. Browsers allow audio only
  // after the reader has interacted with the page, so the context starts then.
  var MUTE_COOKIE = "chatboard_mute";
  var muted = document.cookie.split("; ").indexOf(MUTE_COOKIE + "=1") !== -1;
  var audio = null;
  function showMute() {
    soundToggle.setAttribute("aria-pressed", String(!muted));
    soundToggle.textContent = muted ? "Sound off" : "Sound on"; // no emoji: not every system has a font for it
  }
  soundToggle.addEventListener("click", function () {
    muted = !muted;
    document.cookie = MUTE_COOKIE + "=" + (muted ? "1" : "0") + "; path=/; max-age=31536000; SameSite=Lax";
    showMute();
  });
  showMute();
  function wakeAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume();
  }
  document.addEventListener("pointerdown", wakeAudio);
  document.addEventListener("keydown", wakeAudio);

  function tone(frequency, start, length) {
    var osc = audio.createOscillator();
    var gain = audio.createGain();
    var at = audio.currentTime + start;
    osc.type = "sine";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.15, at + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + length + 0.02);
  }
  function chime(mine) {
    list.dataset.lastChime = mine ? "mine" : "theirs"; // what was (or would have been) played
    if (muted || !audio || audio.state !== "running") return;
    if (mine) {
      tone(660, 0, 0.08); // a short, quiet "sent"
    } else {
      tone(880, 0, 0.12); // two rising notes: someone else spoke
      tone(1320, 0.1, 0.16);
    }
  }

  // A permalink (?message=): that message in view, marked aria-current; else the latest.
  var current = list.querySelector('.message[aria-current="true"]');
  if (current) {
    current.scrollIntoView({ block: "center" });
    stuck = atBottom();
    remember();
  } else {
    toLatest();
  }
})();
