"""Hostile text, each at most a name's 64 characters: used as user names, room
names, searches and (once they land) message bodies, in fragments and in Chromium."""

PAYLOADS = [
    # Plain script and event handlers.
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    # Breaking out of attributes and elements.
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</span></a></li><script>alert(1)</script>",
    "</title></textarea><img src=x onerror=alert(1)>",
    # htmx attributes: requests and inline handlers.
    '<div hx-get="/info" hx-trigger="load">x</div>',
    '<b hx-post="/rooms/1/ws" hx-trigger="load">x</b>',
    '<b hx-on:htmx:load="alert(1)">x</b>',
    '<img src=x hx-on::error="alert(1)">',
    '" hx-get="/info" hx-trigger="load" x="',
    "' hx-on:click='alert(1)' autofocus x='",
    '<form ws-send hx-trigger="load"><input name=action>',
    # Out-of-band swaps that would hijack the page's own ids.
    '<ol id="rooms" hx-swap-oob="true">hijacked</ol>',
    '<div id="messages" hx-swap-oob="innerHTML">hijacked</div>',
    '<div id="errors" hx-swap-oob="true">hijacked</div>',
    '<form id="me" hx-swap-oob="true">hijacked</form>',
    '<li id="room-1" hx-swap-oob="delete"></li>',
    # Other ways in: styles, meta, base, templates, entities, template syntax.
    "<style>*{background:url(/x)}</style>",
    '<meta http-equiv="refresh" content="0;url=/x">',
    '<base href="/x/">',
    "<template><script>alert(1)</script></template>",
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp;",
    "{{7*7}} ${7*7} {% print(1) %} <%= 7*7 %>",
    # Unicode tricks: bidi override, zero-width, full-width brackets.
    "\u202eevil\u202c \u200b<\u200bscript>alert(1)",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
]
