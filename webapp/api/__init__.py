"""The JSON API: `/api`, a websocket speaking the older chat's statement protocol
(docs/api.md), on the same services and delivery path as the HTML side."""
