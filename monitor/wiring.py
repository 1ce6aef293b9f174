"""Which projectors run inside every append, besides the claims read model.

Kept apart from `app.bootstrap` so that each part (feeds, outbox) contributes its own.
"""

from __future__ import annotations

from .config import Settings
from .store.eventstore import Projector


def extra_projectors(settings: Settings) -> list[Projector]:
    projectors: list[Projector] = []
    try:
        from .feeds.projection import FeedsProjector
    except ImportError:
        pass
    else:
        projectors.append(FeedsProjector())
    try:
        from .notify.outbox import OutboxProjector
        from .notify.unsubscribe import UnsubscriptionsProjector
    except ImportError:
        pass
    else:
        # before the outbox: it reads `unsubscribed` to leave out who asked to stop
        projectors.append(UnsubscriptionsProjector())
        projectors.append(OutboxProjector.from_settings(settings))
    return projectors
