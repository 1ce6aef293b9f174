"""Which projectors run inside every append, besides the claims read model.

Every one is required: an import error here must stop the process, never silently run the
daemon without its outbox (no mail) or its feeds read model.
"""

from __future__ import annotations

from .config import Settings
from .feeds.projection import FeedsProjector
from .notify.outbox import OutboxProjector
from .store.eventstore import Projector


def extra_projectors(settings: Settings) -> list[Projector]:
    return [FeedsProjector(), OutboxProjector.from_settings(settings)]
