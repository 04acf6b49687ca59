"""Days and times as people say them: the day separators of a history ("Today",
"Yesterday", then a date; UTC, as the times) and how long ago something was."""

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


def time_ago(moment: datetime, now: datetime | None = None) -> str:
    seconds = max(0, ((now or datetime.now(UTC)) - moment).total_seconds())
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return "just now"
