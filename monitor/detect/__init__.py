"""The detector: report text to observations about the tracked claims.

Pure but for `load_lexicon`, which reads the shipped lexicon and any extension files.
"""

from __future__ import annotations

from .detector import Detector
from .explain import Explanation
from .lexicon import Lexicon, LexiconError, load_lexicon

DETECTOR_VERSION = "rules-15"
# rules-15: a launch told with its manner ("the official / commercial / formal / public launch
# of"), "since its debut"; a service "was / were / has been switched off"; an investment decision
# told with finance's short forms ("reached FID", "positive FIDs", "reached financial close"),
# and none read for a subject already being built (its decision is told again); coordinated
# subjects of a verb with an object of its own are all its agents ("X and Y have revealed their
# suppliers": the first conjunct as much as the last); names set beside a subject after a comma
# ("..., alongside X and Y", "along with", "together with") share its verb; "not to move forward
# with", "not to go ahead with", "no longer continue with" (cancelled); an adverb between "to"
# and the verb of a purpose ("its plan to quietly launch the K5"); a rule that "came into place",
# "came into operation", whose "enforcement began"; what a verb approves is the noun before
# "over" ("approved a referendum over the K5"); examples after "in several towns, such as" are
# places, not what the verb did; an end carried through ("completed the shutdown of", "completes
# ... closure / switch-off / wind-down / phase-out": discontinued); a relative clause between
# dashes, as long as one between commas, stays with the name before it ("Jupiter - which is now
# the fourth fastest in the world - is being inaugurated"); "construction on ... started"; a cue
# made one word by hyphens after an article ("the under-construction, wholly-owned plant")
# describes the noun after it, not a name before it; a comeback of what had ended ("back into
# service", "returned to service", "made a comeback") is launched, the step back being what it
# says; a stage told as a noun after a verb that stops it ("suspended / paused / scrapped the
# launch of") is not reached; at a tie, a market's place named after the verb ("Rhea approved for
# planting in Kenya") takes the verb from the bare product name that is its home claim; a
# service's last run told with its own verb ("operated / ran / sailed / flew / played / aired /
# held its last", "will operate their final": discontinued, or ending when to come).
# rules-14: a name of three or more siblings differing by a last capitalised word ("Zephyr
# Chile", "Zephyr Peru", "Zephyr Ghana") names a market: "Zephyr launched in Peru", "live in Chile
# and Ghana", lists after the preposition; an organisation's hyphenated name ("Li-Cycle") is no
# pair of names; a gapped cue's last word may be plural ("withdrew their applications"), and a
# head that is also a plain cue yields to its gapped cue found whole ("concluded ... takeover");
# a closing verb with places of business as its object ("closed 40 stores, including ...");
# a one-word aside between commas splits no clause; a fronted phrase opening on a preposition
# is skipped to find the owner of "its"; a status verb after "considering/mulling" is weighed;
# a plan word after a verb's object tells the object's date; "due to" before a noun is a
# cause; "soon after" is no time to come; an assembly passes a bill; operations begun at a site
# already producing are no launch; a closure told as a noun; ends under way or decided ("is
# shutting down", "decided to close", "winding down"); off air, a bare "ceased"; a subject's
# pilot, gig or feature is not the subject; an end of a subject already cancelled is nothing
# new; an approval told as a noun ("announced approval of X"), unless asked for; a partitive
# before "of" ("all of its clinics") is no object of its own; "after half a century" tells a
# run's length;
# rules-13: a noun cue's "of" object given as examples after a comma; an amount describing the
# second of two coordinated names; "the rival X" is X itself; an appositive object with its own
# article; ", followed by X": X had the same thing happen to it; a bare halt cancels only when its
# owner halts it; an ending cue made of a tracked name's own words names it (a tracked ban);
# "ago" after the verb; a run's length told ("after 170 years") is over; an event noun that is the
# subject of a verb to come is planned; a present verb with "in" and a span of time is to come;
# starts in progress ("is launching") unless a time follows; "a few weeks" is a time, not an
# object; a participle after an ordinal describes; "ahead of" a name is a time; the owner of
# "its" after a fronted phrase; a running show "cancelled" is cancelled; a demand is an opinion;
# first parts installed, resumed work, "percent complete"; put into service, services switched
# off, publications ceased;
# rules-12: a market's place in a list after its preposition (also after a colon); ends on their
# way ("is being discontinued"), ownership transfers completing an exit, local exits from a place
# not in a claim's names; a hedge or a past time past "and" is the first clause's; a relative
# clause outside a condition; a purpose after "for + -ing"; a tracked name right after an active
# verb is its object; examples after "specifically"; coordination past a place; a weak cue does
# not hide a cue inside it; a trailing "+" is part of a name; a bracket-free alias that is a
# whole company's name is not one of its parts; last voyages, fleets joined and left, farewells,
# plans not proceeding, shipments, market exits;
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
