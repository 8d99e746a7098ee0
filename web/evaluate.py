"""Verdicts for an as-of date with nothing stored: evaluated on demand, then stored (a cache).

Uses the rules engine (``rules.db_source`` + ``rules.engine``); without it the dashboard shows
stored evaluations only.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def engine_available() -> bool:
    try:
        import rules.db_source

        import rules.engine  # noqa: F401
    except ImportError:
        return False
    return True


def evaluate_and_store(session: Session, plans: list[Any], as_of: date) -> int:
    """Evaluate ``plans`` as of the end of ``as_of``, store the verdicts, return how many."""
    if not plans or not engine_available():
        return 0
    from rules.db_source import load_input, store_verdicts

    from rules.engine import evaluate_plans

    from web.params import today

    data = load_input(session, plans, as_of)
    verdicts = evaluate_plans(plans, data, as_of)
    store_verdicts(session, verdicts, overwrite=as_of >= today(),  # a past report is kept
                   complete=True)
    session.commit()
    log.info("evaluated %d plan(s) as of %s on demand: %d verdicts", len(plans), as_of,
             len(verdicts))
    return len(verdicts)
