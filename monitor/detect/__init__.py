"""The detector: report text to observations about the tracked claims.

Pure but for `load_lexicon`, which reads the shipped lexicon and any extension files.
"""

from __future__ import annotations

from .detector import Detector
from .explain import Explanation
from .lexicon import Lexicon, LexiconError, load_lexicon

DETECTOR_VERSION = "rules-3"  # rules-3: possessives, lead words, modifiers; rules-2: anaphora

__all__ = ["DETECTOR_VERSION", "Detector", "Explanation", "Lexicon", "LexiconError", "load_lexicon"]
