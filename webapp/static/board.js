// The shared drawing board. Your own line is drawn here at once and streamed to
// the server in batches (action "draw", at most one per BATCH_MS); other people's
// lines grow as their batches arrive as fragments. Shapes stream the same way,
// each batch their start and where the pointer is now; labels are typed in a box
// over the board. Your pointer over the board is sent (action "cursor") at most
// every CURSOR_MS; others' cursors arrive as fragments. Keys: Ctrl/Cmd+Z, redo,
// and a letter per tool. Pointer events: mouse, touch, pen.
(function () {
  "use strict";

  var BATCH_MS = 50;
  var MAX_POINTS = 1000; // the server's bound per stroke: a longer line goes on as a new stroke
  var MIN_STEP = 1.5; // board units; closer points add nothing visible
  var CURSOR_MS = 50; // at most 20 cursor frames a second
  var SVG = "http://www.w3.org/2000/svg";
  var SHAPES = { line: "line", rect: "rect", ellipse: "ellipse", arrow: "path" };

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
  var label = container.querySelector(".board-label");
  var labelAt = null; // where the label being typed goes

  var early = []; // frames drawn before the socket first opened
  document.addEventListener("htmx:wsOpen", function (event) {
    socket = event.detail.socketWrapper;
    early.splice(0).forEach(function (frame) { socket.send(frame); });
    // Cursors whose going was missed while the socket was down.
    document.getElementById("cursors").replaceChildren();
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

  // The same geometry as the server renders (webapp/rendering.py), for the drawer's own preview.
  function shapeAttributes(tool, p, width) {
    var x1 = p[0], y1 = p[1], x2 = p[2], y2 = p[3];
    if (tool === "line") return { x1: x1, y1: y1, x2: x2, y2: y2 };
    if (tool === "rect") return { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
    if (tool === "ellipse") return { cx: (x1 + x2) / 2, cy: (y1 + y2) / 2, rx: Math.abs(x2 - x1) / 2, ry: Math.abs(y2 - y1) / 2 };
    var angle = Math.atan2(y2 - y1, x2 - x1), head = Math.max(12, 3 * width);
    function barb(side) {
      var a = angle - side * Math.PI / 6;
      return (x2 - head * Math.cos(a)).toFixed(1) + " " + (y2 - head * Math.sin(a)).toFixed(1);
    }
    return { d: "M" + x1 + " " + y1 + "L" + x2 + " " + y2 + "M" + barb(1) + "L" + x2 + " " + y2 + "L" + barb(-1) };
  }

  function beginShape(pointerId, settings, point) {
    var id = chatboard.uuid();
    var element = document.createElementNS(SVG, SHAPES[settings.tool]);
    element.id = "stroke-" + id;
    element.setAttribute("class", "stroke " + settings.tool);
    element.setAttribute("stroke", settings.color);
    element.setAttribute("stroke-width", settings.width);
    element.setAttribute("data-author", document.body.dataset.me || "");
    board.appendChild(element);
    mine.add(id);
    current = { id: id, pointerId: pointerId, settings: settings, path: element, shape: true, start: point, end: point };
    moveShape(point);
  }

  function moveShape(point) {
    current.end = point;
    current.dirty = true;
    var attributes = shapeAttributes(current.settings.tool, current.start.concat(point), current.settings.width);
    Object.keys(attributes).forEach(function (name) { current.path.setAttribute(name, attributes[name]); });
    if (!current.path.isConnected) board.appendChild(current.path);
    if (!timer) timer = setTimeout(flush, BATCH_MS);
  }

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
    if (!current) return;
    var s = current.settings;
    if (current.shape) {
      // Each frame is the whole shape: start and end.
      if (!current.dirty && !done) return;
      send({ action: "draw", stroke: current.id, points: current.start.concat(current.end), color: s.color, tool: s.tool, width: s.width, done: done === true });
      current.dirty = false;
      return;
    }
    if (!current.pending.length && !done) return;
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
    var settings = pen();
    if (settings.tool === "text") {
      openLabel(toBoard(event));
      return;
    }
    board.setPointerCapture(event.pointerId);
    if (SHAPES[settings.tool]) {
      beginShape(event.pointerId, settings, toBoard(event));
      return;
    }
    begin(event.pointerId, settings);
    addPoint(toBoard(event));
  });

  board.addEventListener("pointermove", function (event) {
    if (!current || event.pointerId !== current.pointerId) return;
    if (current.shape) {
      moveShape(toBoard(event));
      return;
    }
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    (events.length ? events : [event]).forEach(function (each) { addPoint(toBoard(each)); });
  });

  function end(event) {
    if (!current || event.pointerId !== current.pointerId) return;
    if (current.shape) moveShape(toBoard(event));
    else addPoint(toBoard(event));
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
    if (!event.detail.target) return;
    if (event.detail.target.id === "cursors") return moveCursors(event.detail.fragment);
    if (event.detail.target.id !== "drawing") return;
    if (event.detail.fragment.querySelector(".board-background")) return; // the whole board: it replaces what is here
    Array.from(event.detail.fragment.children).forEach(function (incoming) {
      if (!incoming.id || incoming.id.indexOf("stroke-") !== 0) return;
      var existing = document.getElementById(incoming.id);
      var finished = !incoming.hasAttribute("data-drawing");
      // A redo of one's own stroke is not shown here yet: it is appended as any other.
      if (mine.has(incoming.id.slice(7)) && existing) {
        if (finished) existing.replaceWith(incoming);
        else incoming.remove();
        return;
      }
      if (!existing) return;
      // A whole stroke (a shape's every frame, a line once done) replaces what is shown.
      if (incoming.getAttribute("data-from") === "0") {
        existing.replaceWith(incoming);
        return;
      }
      if (Number(incoming.getAttribute("data-points")) > Number(existing.getAttribute("data-points"))) {
        existing.setAttribute("d", existing.getAttribute("d") + incoming.getAttribute("d"));
      }
      existing.setAttribute("data-points", incoming.getAttribute("data-points"));
      if (finished) existing.removeAttribute("data-drawing");
      incoming.remove();
    });
  });

  // --- cursors --------------------------------------------------------------

  // A cursor already shown moves (and keeps its name current) instead of being appended again.
  function moveCursors(fragment) {
    Array.from(fragment.children).forEach(function (incoming) {
      var existing = incoming.id && document.getElementById(incoming.id);
      if (!existing) return;
      ["data-x", "data-y", "style"].forEach(function (name) { existing.setAttribute(name, incoming.getAttribute(name)); });
      existing.querySelector(".cursor-name").textContent = incoming.querySelector(".cursor-name").textContent;
      incoming.remove();
    });
  }

  var cursorAt = null, cursorTimer = null, cursorSent = 0;
  function sendCursor() {
    cursorTimer = null;
    if (!cursorAt || !socket) return;
    cursorSent = Date.now();
    send({ action: "cursor", x: cursorAt[0], y: cursorAt[1] });
    cursorAt = null;
  }
  board.addEventListener("pointermove", function (event) {
    cursorAt = toBoard(event);
    if (!cursorTimer) cursorTimer = setTimeout(sendCursor, Math.max(0, cursorSent + CURSOR_MS - Date.now()));
  });
  // Only while the pointer is over the board.
  board.addEventListener("pointerleave", function () {
    cursorAt = null;
    clearTimeout(cursorTimer);
    cursorTimer = null;
  });

  // --- labels ---------------------------------------------------------------

  function openLabel(point) {
    labelAt = point;
    label.value = "";
    label.style.left = (point[0] * 100 / width) + "%";
    label.style.top = (point[1] * 100 / height) + "%";
    label.hidden = false;
    setTimeout(function () { label.focus(); }, 0); // after the pointerdown that opened it
  }

  function closeLabel() {
    label.hidden = true;
    labelAt = null;
  }

  label.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeLabel();
    if (event.key !== "Enter") return;
    event.preventDefault();
    var text = label.value.trim(), s = pen();
    if (text && labelAt) {
      send({ action: "draw", stroke: chatboard.uuid(), tool: "text", points: labelAt, text: text, color: s.color, width: s.width, done: true });
    }
    closeLabel();
  });
  label.addEventListener("blur", closeLabel);

  // --- keys -----------------------------------------------------------------

  function typing(target) {
    if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
    return target.tagName === "INPUT" && ["radio", "checkbox", "button", "submit"].indexOf(target.type) < 0;
  }

  document.addEventListener("keydown", function (event) {
    if (typing(event.target)) return;
    var key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && !event.altKey) {
      if (key === "z" && !event.shiftKey) send({ action: "undo_stroke" });
      else if ((key === "z" && event.shiftKey) || (key === "y" && event.ctrlKey)) send({ action: "redo_stroke" });
      else return;
      event.preventDefault();
      return;
    }
    if (event.altKey || event.shiftKey || key.length !== 1) return;
    var choice = tools.querySelector('input[name="tool"][data-key="' + key + '"]');
    if (choice) {
      choice.checked = true;
      event.preventDefault();
    }
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
    if (what === "redo") send({ action: "redo_stroke" });
    if (what === "share") send({ action: "share_board" });
    if (what === "reset" && window.confirm("Clear the board for everyone in this room?")) send({ action: "reset_drawing" });
    if (what === "png") downloadPng();
  });
})();
