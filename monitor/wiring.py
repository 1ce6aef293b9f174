"""Which projectors run inside every append, besides the claims read model.

Every one is required: an import error here must stop the process, never silently run the
daemon without its outbox (no mail) or its feeds read model.
"""

from __future__ import annotations

from .config import Settings
from .feeds.projection import FeedsProjector
from .notify.outbox import OutboxProjector
from .notify.unsubscribe import UnsubscriptionsProjector
from .store.eventstore import Projector


def extra_projectors(settings: Settings) -> list[Projector]:
    # `unsubscribed` before the outbox: the outbox reads it to leave out who asked to stop
    return [
        FeedsProjector(),
        UnsubscriptionsProjector(),
        OutboxProjector.from_settings(settings),
    ]
