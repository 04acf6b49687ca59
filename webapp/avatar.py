"""An author's avatar without images: initials on one of AVATAR_HUES colours, picked by their id."""

from __future__ import annotations

import unicodedata

# As many as app.css has .avatar[data-hue] colours.
AVATAR_HUES = 12


def initials(name: str) -> str:
    """The first letter of the first two words ("Ada Lovelace" → "AL"); "?" for a name of no letters."""
    words = [word for word in name.split() if any(_shown(c) for c in word)]
    letters = [next(c for c in word if _shown(c)) for word in words[:2]]
    return "".join(letters).upper() or "?"


def hue(user_id: int) -> int:
    # A multiplier prime to the count: users who arrive one after another get colours far apart.
    return (user_id * 5) % AVATAR_HUES


def _shown(char: str) -> bool:
    # Letters and digits: format characters (bidi marks, zero-width joiners) and punctuation are not initials.
    return unicodedata.category(char)[0] in "LN"
