"""Dates shown or published by the portal: parsed and written again, never copied from an entry.

``info.json`` ``control.iso_datetime`` is contributor text: a string that is not a date must not
reach an Atom ``<updated>``, a sitemap ``<lastmod>`` or a ``<time datetime>`` as it is.
"""

from __future__ import annotations

from datetime import datetime, timezone

MAX_DATE_CHARS = 40


def normalized_date(value: object) -> str:
    """An ISO 8601 date or date-time as RFC 3339 UTC (``2017-03-01T10:45:36Z``); '' when it is not one.

    Naive date-times (CK writes them in local time, without a zone) are taken as UTC.
    """
    if isinstance(value, datetime):
        moment = value
    else:
        if not isinstance(value, str) or not 8 <= len(value.strip()) <= MAX_DATE_CHARS:
            return ""
        text = value.strip()
        text = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return ""
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        utc = moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return ""
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
