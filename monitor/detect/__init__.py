"""The detector: report text to observations about the tracked claims.

Pure but for `load_lexicon`, which reads the shipped lexicon and any extension files.
"""

from __future__ import annotations

from .detector import Detector
from .explain import Explanation
from .lexicon import Lexicon, LexiconError, load_lexicon

DETECTOR_VERSION = "rules-11"
# rules-11: a stage told in the past is dated by its nearest date, a report dated by its year
# alone is compared at that precision, bullets end sentences, a number with thousands separators
# is one word, "No. 2" is a number and "40-year-old" an age; coordinated names with describing
# words, examples of a plural object, an owner opening "its ... campus", relative clauses,
# attributive participles, trials; bracketed qualifiers optional, two owners of one product
# name; an approval after an announcement goes forward; restarts, a run's end, clearances,
# shooting, suspensions, production commenced, work starting or halted, foundation stones,
# services live, programmes terminated, plans given up or banned, "will end";
# rules-10: a possessive of another organisation of the baseline is another owner's;
# rules-9: passives and a subject of its own after a comma, attributions at a sentence's end,
# "upcoming", premieres and introductions like debuts, an ampersand inside a name, services
# ended, final investment decisions, preferred choices;
# rules-8: a later one of a series, objects after "the" and a year, news nouns a name modifies
# ("the K5 trailer"), a debut told apart from a showing, years from 1950, "released"/"available",
# betas;
# rules-7: version numbers as one word, the general language of laws taking force, events
# starting and ending, deals falling through; delays before a noun stage, lists after a colon;
# rules-6: pair names ("Orla-Brisk merger") with words between, counted parts of an ending, a
# bare verb after "to" is wanted; rules-5: relative clauses and dash asides keep their subject, a
# name inside "results for X" is not the subject of a passive verb; rules-4: no company in the
# detector, organisations per baseline, names in any word order, plural anaphora, appositives,
# general cues; rules-3: possessives

__all__ = ["DETECTOR_VERSION", "Detector", "Explanation", "Lexicon", "LexiconError", "load_lexicon"]
