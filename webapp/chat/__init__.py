"""Domain services and events. Transport-independent: no Litestar here."""
