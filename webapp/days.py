"""The day separators of a history: "Today", "Yesterday", then a date (UTC, as the times)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def day_label(moment: datetime, today: date | None = None) -> str:
    today = today or datetime.now(UTC).date()
    day = moment.astimezone(UTC).date()
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    return f"{day:%A} {day.day} {day:%B %Y}" if day.year != today.year else f"{day:%A} {day.day} {day:%B}"
