"""How current an entry is: the date its content was last checked (``reviewed``) and when it is due again.

The pages show the due date (``reviewed`` + ``REVIEW_INTERVAL``), never "overdue": a page must not depend on the day
it was built. Only ``python -m generator check`` compares the due date with a day (``--today``, default the clock)
and warns about entries past it (``validate._check_review``).
"""

from __future__ import annotations

import datetime

REVIEW_INTERVAL = datetime.timedelta(days=365)
"""How long a check holds: GOV.UK's pages name a "review by" date; a year is the handbook's."""


def day(text: str) -> datetime.date:
    """A ``YYYY-MM-DD`` date of the content (the schema has checked its form)."""
    return datetime.date.fromisoformat(text)


def due(reviewed: str) -> str:
    """The day an entry checked on ``reviewed`` is due for its next check, as ``YYYY-MM-DD``."""
    return (day(reviewed) + REVIEW_INTERVAL).isoformat()
