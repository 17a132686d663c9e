"""Resource ids that may become a segment of a Qonto path.

Qonto's ids are UUIDs (and, for a few resources, short slugs); anything else (``..``, ``/``,
``%2e``, spaces, control characters) is refused before a path is built, so a caller's input can
never reach another route of the API.
"""

from __future__ import annotations

import re

from verone.qonto._exceptions import QontoInvalidId

QONTO_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$"
_QONTO_ID = re.compile(QONTO_ID_PATTERN)


def path_segment(name: str, value: object) -> str:
    """``value`` as a path segment, or ``QontoInvalidId`` naming the parameter."""
    text = str(value)
    if not _QONTO_ID.fullmatch(text):
        raise QontoInvalidId(f"{name} is not a Qonto id (letters, digits, '-' and '_' only)")
    return text
