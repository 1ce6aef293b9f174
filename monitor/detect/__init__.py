"""The detector: report text to observations about the tracked claims.

Pure but for `load_lexicon`, which reads the shipped lexicon and any extension files.
"""

from __future__ import annotations

from .detector import Detector
from .explain import Explanation
from .lexicon import Lexicon, LexiconError, load_lexicon

DETECTOR_VERSION = "rules-2"  # rules-2: anaphora, fronted clauses, the sentence screen

__all__ = ["DETECTOR_VERSION", "Detector", "Explanation", "Lexicon", "LexiconError", "load_lexicon"]
