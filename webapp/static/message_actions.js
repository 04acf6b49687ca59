// What a reader does to messages: react, reply, copy a link, and to their own,
// edit and delete. Messages sit inside hx-disable (their text is user text), so
// their buttons are plain: one click handler fills a ws-send form and sends it.
// A moderator's page shows Delete on every message, and Mute author.
(function () {
  "use strict";

  var list = document.getElementById("messages");
  var composer = document.getElementById("composer");
  var actionForm = document.getElementById("message-action");
  if (!list || !composer || !actionForm) return;
  var box = composer.querySelector("textarea");
  var kind = composer.querySelector('input[name="action"]');
  var preview = document.getElementById("composer-context");
  var me = document.body.dataset.me;

  function idOf(message) { return message.id.slice("message-".length); }

  function send(action, fields) {
    actionForm.querySelector('input[name="action"]').value = action;
    actionForm.querySelector('input[name="message"]').value = fields.message;
    actionForm.querySelector('input[name="emoji"]').value = fields.emoji || "";
    actionForm.requestSubmit();
  }

  // The composer answers a message (reply_to) or edits one (edit_message) until sent or cancelled.
  function extra(name, value) {
    var input = composer.querySelector('input[name="' + name + '"]');
    if (value === null) { if (input) input.remove(); return; }
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      composer.appendChild(input);
    }
    input.value = value;
  }
  function showContext(label, message) {
    preview.hidden = false;
    preview.querySelector(".context-label").textContent = label + " " + message.querySelector(".author").textContent + ": "
      + message.querySelector(".body").textContent.slice(0, 120);
  }
  function reset() {
    kind.value = "send_message";
    extra("reply_to", null);
    extra("message", null);
    preview.hidden = true;
  }
  function reply(message) {
    reset();
    extra("reply_to", idOf(message));
    showContext("Replying to", message);
    box.focus();
  }
  function edit(message) {
    reset();
    kind.value = "edit_message";
    extra("message", idOf(message));
    showContext("Editing", message);
    box.value = message.querySelector(".body").textContent;
    box.focus();
  }
  preview.querySelector("button").addEventListener("click", function () { reset(); composer.reset(); });
  composer.addEventListener("htmx:wsAfterSend", reset);

  list.addEventListener("click", function (event) {
    var control = event.target.closest("[data-action]");
    var message = event.target.closest(".message");
    if (!control || !message) return;
    var action = control.dataset.action;
    if (action === "react") {
      send("react", { message: idOf(message), emoji: control.dataset.emoji });
    } else if (action === "reply") {
      reply(message);
    } else if (action === "edit") {
      edit(message);
    } else if (action === "delete") {
      if (window.confirm("Delete this message for everyone?")) send("delete_message", { message: idOf(message) });
    } else if (action === "mute") {
      var mute = document.getElementById("mute-author");
      if (mute && window.confirm("Mute this message's author for a day?")) {
        mute.querySelector('input[name="user"]').value = message.dataset.author;
        mute.requestSubmit();
      }
    } else if (action === "expand") {
      var open = message.toggleAttribute("data-expanded");
      control.setAttribute("aria-expanded", String(open));
      control.textContent = open ? "Show less" : "Show more";
    } else if (action === "copy-link") {
      event.preventDefault();
      var link = new URL(control.getAttribute("href"), location.href).href;
      if (navigator.clipboard) navigator.clipboard.writeText(link);
      control.dataset.copied = "true";
    }
  });

  // Up in an empty composer edits your last message; Escape cancels an edit or a reply.
  box.addEventListener("keydown", function (event) {
    if (event.key === "ArrowUp" && !box.value) {
      var own = list.querySelectorAll('.message[data-author="' + me + '"]:not([data-deleted])');
      if (own.length) { event.preventDefault(); edit(own[own.length - 1]); }
    } else if (event.key === "Escape" && !preview.hidden) {
      event.preventDefault();
      reset();
      composer.reset();
    }
  });

  // A deleted message's quotes in replies show it is gone.
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1 || !node.dataset.deleted) return;
        list.querySelectorAll('.reply[data-reply-to="' + idOf(node) + '"]').forEach(function (quote) {
          quote.textContent = "deleted message";
        });
      });
    });
  }).observe(list, { childList: true });
})();
