"""What the forms posted to this site share: their fields, and that they come from its own pages."""

from __future__ import annotations

from typing import Annotated

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.params import Body

from webapp.realtime.socket import origin_allowed
from webapp.settings import Settings

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def require_own_page(request: Request, settings: Settings, refusal: str) -> None:
    """A 403 for a post from another site's page (or without an Origin). The
    identity cookie is SameSite=Lax; this refuses what a browser sends from elsewhere anyway."""
    headers = request.headers
    if not origin_allowed(headers.get("origin"), request.url.scheme == "https", headers.get("host"), settings.allowed_origins):
        raise PermissionDeniedException(refusal)
