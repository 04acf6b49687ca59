// The shared drawing board. Your own line is drawn here at once and streamed to
// the server in batches (action "draw", at most one per BATCH_MS); other people's
// lines grow as their batches arrive as fragments. Pointer events: mouse, touch, pen.
(function () {
  "use strict";

  var BATCH_MS = 50;
  var MAX_POINTS = 1000; // the server's bound per stroke: a longer line goes on as a new stroke
  var MIN_STEP = 1.5; // board units; closer points add nothing visible
  var SVG = "http://www.w3.org/2000/svg";

  var container = document.querySelector(".board");
  var board = document.getElementById("drawing");
  if (!container || !board) return;
  var tools = container.querySelector(".board-tools");
  var width = board.viewBox.baseVal.width;
  var height = board.viewBox.baseVal.height;
  var socket = null;
  var mine = new Set(); // ids of strokes drawn on this page
  var current = null; // the stroke being drawn here
  var timer = null;

  var early = []; // frames drawn before the socket first opened
  document.addEventListener("htmx:wsOpen", function (event) {
    socket = event.detail.socketWrapper;
    early.splice(0).forEach(function (frame) { socket.send(frame); });
  });

  // Every time the room socket opens, its first frames hold the stored board
  // whole (late joiners, reconnects): it replaces the board's children, so a
  // line being drawn here is put back on top.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "drawing" && current && !current.path.isConnected) {
      board.appendChild(current.path);
    }
  });

  function send(fields) {
    // Once it exists, the wrapper itself queues frames while the socket reconnects.
    if (socket) socket.send(JSON.stringify(fields));
    else early.push(JSON.stringify(fields));
  }

  function clamp(value, max) { return Math.min(max, Math.max(0, Math.round(value * 10) / 10)); }

  function toBoard(event) {
    var rect = board.getBoundingClientRect();
    return [clamp((event.clientX - rect.left) * width / rect.width, width),
            clamp((event.clientY - rect.top) * height / rect.height, height)];
  }

  function pen() {
    return {
      tool: tools.elements.tool.value,
      color: tools.elements.color.value,
      width: Number(tools.elements.width.value),
    };
  }

  // --- drawing here ---------------------------------------------------------

  function begin(pointerId, settings) {
    var id = chatboard.uuid();
    var path = document.createElementNS(SVG, "path");
    path.id = "stroke-" + id;
    path.setAttribute("class", "stroke " + settings.tool);
    path.setAttribute("stroke", settings.tool === "eraser" ? board.querySelector(".board-background").getAttribute("fill") : settings.color);
    path.setAttribute("stroke-width", settings.width);
    path.setAttribute("data-author", document.body.dataset.me || "");
    board.appendChild(path);
    mine.add(id);
    current = { id: id, pointerId: pointerId, settings: settings, path: path, d: "", count: 0, last: null, pending: [] };
  }

  function addPoint(point) {
    var last = current.last;
    if (last && Math.hypot(point[0] - last[0], point[1] - last[1]) < MIN_STEP) return;
    if (current.count >= MAX_POINTS) {
      // Go on as a new stroke from where this one ends.
      var pointerId = current.pointerId, settings = current.settings;
      finish();
      begin(pointerId, settings);
      addPoint(last);
    }
    current.d += (current.count ? "L" : "M") + point[0] + " " + point[1];
    current.count += 1;
    current.last = point;
    current.pending.push(point[0], point[1]);
    // A reset clears the board under a line being drawn; keep drawing it.
    if (!current.path.isConnected) board.appendChild(current.path);
    current.path.setAttribute("d", current.count === 1 ? current.d + "l0 0" : current.d);
    if (!timer) timer = setTimeout(flush, BATCH_MS);
  }

  function flush(done) {
    clearTimeout(timer);
    timer = null;
    if (!current || (!current.pending.length && !done)) return;
    var s = current.settings;
    send({ action: "draw", stroke: current.id, points: current.pending, color: s.color, tool: s.tool, width: s.width, done: done === true });
    current.pending = [];
  }

  function finish() {
    flush(true);
    current = null;
  }

  board.addEventListener("pointerdown", function (event) {
    if (current || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    board.setPointerCapture(event.pointerId);
    begin(event.pointerId, pen());
    addPoint(toBoard(event));
  });

  board.addEventListener("pointermove", function (event) {
    if (!current || event.pointerId !== current.pointerId) return;
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    (events.length ? events : [event]).forEach(function (each) { addPoint(toBoard(each)); });
  });

  function end(event) {
    if (!current || event.pointerId !== current.pointerId) return;
    addPoint(toBoard(event));
    finish();
  }
  board.addEventListener("pointerup", end);
  board.addEventListener("pointercancel", end);

  // --- strokes from the server ----------------------------------------------

  // A stroke's first batch is appended by htmx (beforeend). Later batches carry
  // only the new part (data-from > 0): join it to the path already shown instead
  // of appending a second element with the same id. Own strokes are drawn here
  // already; only their final copy is taken, so the page holds what is stored.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "drawing") return;
    if (event.detail.fragment.querySelector(".board-background")) return; // the whole board: it replaces what is here
    Array.from(event.detail.fragment.children).forEach(function (incoming) {
      if (!incoming.id || incoming.id.indexOf("stroke-") !== 0) return;
      var existing = document.getElementById(incoming.id);
      var finished = !incoming.hasAttribute("data-drawing");
      // A redo of one's own stroke is not shown here yet: it is appended as any other.
      if (mine.has(incoming.id.slice(7)) && existing) {
        if (existing && finished) existing.setAttribute("d", incoming.getAttribute("d"));
        incoming.remove();
        return;
      }
      if (!existing) return;
      if (incoming.getAttribute("data-from") === "0") {
        existing.setAttribute("d", incoming.getAttribute("d"));
      } else if (Number(incoming.getAttribute("data-points")) > Number(existing.getAttribute("data-points"))) {
        existing.setAttribute("d", existing.getAttribute("d") + incoming.getAttribute("d"));
      }
      existing.setAttribute("data-points", incoming.getAttribute("data-points"));
      if (finished) existing.removeAttribute("data-drawing");
      incoming.remove();
    });
  });

  // --- tools ----------------------------------------------------------------

  function save(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  // The PNG is drawn from the board's SVG by the browser: no image library on the server.
  function downloadPng() {
    var svg = new XMLSerializer().serializeToString(board);
    var url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      canvas.getContext("2d").drawImage(image, 0, 0, width, height);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (blob) { save(blob, "board-" + container.dataset.room + ".png"); }, "image/png");
    };
    image.src = url;
  }

  tools.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-board]");
    if (!button) return;
    var what = button.dataset.board;
    if (what === "undo") send({ action: "undo_stroke" });
    if (what === "reset" && window.confirm("Clear the board for everyone in this room?")) send({ action: "reset_drawing" });
    if (what === "png") downloadPng();
  });
})();
