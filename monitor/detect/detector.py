"""Report text to observations: which claims a report speaks of, and what it says of their status.

Per sentence: mentions (aliases, one pass, longest first, lookalikes block), cues from the
lexicon (one pass too), clauses cut at terminators; each status cue attaches to the nearest mention
of its clause (a coordination shares it) and is then qualified the way event-factuality work does
it (NegEx/ConText, hedge cues): negation, question, hypothetical, opinion, history, future tense,
hedges and attribution, another maker as the experiencer, and plausibility against the claim's
current status. Every step leaves a reason in `why` and in the explanation.

Speed: one compiled screen (a trie regex of every alias and lookalike) finds the sentences that
could name a tracked model; the others are not tokenised at all, and timings are read only for a
sentence where a cue attached. A sentence that names no model is read only when it opens on "It"
or holds a definite description ("the car") and the sentence before (same paragraph, or the
headline) names exactly one tracked model and nothing else: then that is the model it speaks of,
and only a strong, unhedged, positive status cue counts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from monitor.domain.claims import Claim
from monitor.domain.decide import DEFAULT_THRESHOLD
from monitor.domain.observations import Observation, Report
from monitor.domain.statuses import TERMINAL, lifecycle_rank

from .explain import CueNote, Explanation, MentionNote, SentenceNote
from .inflections import past_variants
from .language import declared_language, text_looks_english
from .lexicon import LIST_KEYS, Lexicon, shipped_lexicon
from .organizations import fill_org_slots, org_words, organizations_of
from .phrases import Match, PhraseMatcher, screen
from .sentences import split_sentences
from .signatures import SignatureMatcher
from .text import clean, fold_accents
from .tokens import Token, phrase_keys, tokenize
from .values import MONTHS, Timing, consistent, find_timings
from .variants import expand, head_nouns, with_leads

_MAYBE_TIMING = re.compile(
    r"\d|year|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|spring|autumn|fall"
)
# Anaphora: a sentence that names no model may still speak of the one just named, by "It ..."
# at its start or by a definite description ("the car", "the crossover-coupe").
ANTECEDENT_REACH = 2
_WORDS = re.compile(r"[^\W_]+")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Nouns any product or project is called by; a baseline adds the head nouns of its own claims'
# names ("the pickup", "the plant", "the drug"). Not "version": a variant is another model.
GENERIC_NOUNS = _set("model product project programme program newcomer")
# "the old model", "the previous version": another one than the one just named, unless that
# one's own name says the same.
ANOTHER_MODEL = {
    w: w
    for w in _set(
        "old older outgoing previous current original first generation concept updated used "
        "rival competing existing earlier"
    )
}
# A description ends on its noun: what follows must be a verb, a function word or punctuation
# ("the car has", "the model began", "the sedan,"), not another noun ("the EV market", "the car
# maker", "the model range"), so only these (and any word ending in -ed) may follow.
FOLLOW = _set(
    "is was are were has had have will would could can may might should must does did 's "
    "gets got goes went comes came arrives arrived begins began starts started enters entered "
    "remains remained stays stayed joins joined hits takes took makes made moves moved "
    "and or but which that who whose with without in at on for from to of by as into over "
    "before after until when while also now still already finally officially then just "
    "itself first"
)
NOT_A_VEHICLE = _set(  # "the business model", "the pricing model": not a car
    "business pricing sales subscription leasing financing agency operating language role "
    "revenue data computer climate scale toy"
)
EXPLETIVE_AFTER = _set(  # "It is understood that ...", "It's time ...": no referent
    "understood believed thought said reported expected likely unlikely unclear clear possible "
    "impossible official time worth hard easy true rumoured rumored known assumed hoped feared "
    "a an the no what how why when whether that too still"
)


def _may_refer(nouns: Iterable[str]) -> re.Pattern[str]:
    """A cheap first look for `_anaphor`: "It" opening the sentence, or "the"/"this" and up to
    three lower-case words before a head noun (it may find more than `_anaphor` accepts, never
    less)."""
    alts = "|".join(sorted((re.escape(n) for n in nouns), key=len, reverse=True))
    return re.compile(
        r"It\b|It's\b|.*?\b\w+ed it\W*$|.*?\b\w+ed it\W|"
        r".*?\b(?i:this|the)\s+(?:[^\W_A-Z]+(?:'[^\W_A-Z]+)?[\s-]+){0,3}?"
        r"(?:" + alts + r")\b"
    )


COPULAS = _set("is was 's seems seemed appears appeared remains remained looks")
SEEMS = _set("seem seems seemed appear appears appeared")  # "It would seem ..."
LEAD_WORDS = frozenset({"the", "a", "an", "new", "all-new", "next"})  # and the organisations
# "that year", "the year", "the following year": the only timings that read an earlier sentence.
_NEEDS_CONTEXT = re.compile(r"\b(?:that|the|the following) year\b", re.IGNORECASE)
TARGET_STATUSES = frozenset({"stated", "revised"})
BEFORE_DECISION = frozenset({"unknown", "rumored", "expected", "in-development"})
# an announcement of its date or price confirms a subject only while it is not yet official
BEFORE_ANNOUNCEMENT = frozenset({"unknown", "rumored", "expected", "unapproved"})
DECIDED = frozenset({"unapproved", "approved", "confirmed"})
# Words that tell no subject from another, whoever's name holds them.
STOPWORDS_FOR_NAMES = frozenset(
    {"the", "a", "an", "of", "in", "at", "and", "new", "its", "for", "to", "on", "'s"}
)
# Word lists whose phrases may hold the start of a cue ("Acme officially" / "officially opened");
# the others ("is expected to") are read as they are.
QUALIFIER_KINDS = frozenset({"official"})
EXISTING = frozenset({"in-production", "launched", "ending", "discontinued"})
CORROBORATION_ONLY = frozenset({"rumored", "expected"})  # tense-free by nature
REPORTED_STAGES = frozenset(
    {"approved", "revealed", "in-production", "launched", "ending", "discontinued", "cancelled"}
)
# "the K4's successor", "the K3 plant": the noun after the name is the subject, not the model.
RELATED_NOUNS = _set(
    "successor successors replacement predecessor predecessors rival rivals competitor "
    "competitors twin sibling siblings platform maker supplier plant factory boss chief"
)
# "the K7-based model", "an K3-sized model": a name that modifies another noun by a hyphen is
# not the model spoken of.
COMPOUND_AFTER = _set(
    "based derived inspired style styled like sized size rivalling rivaling beating fighter "
    "killer engined powered platform rival alike esque"
)

WEAK_CONFIDENCE = 0.6
HEDGE_FACTOR = 0.55
REPORTED_FACTOR = 0.85
UNOFFICIAL_CONFIRM_FACTOR = 0.6
BACKWARD_FACTOR = 0.7
NEGATION_FACTOR = 0.95

BEFORE_WINDOW = 10  # a mention before its cue (subject, passive)
TIMING_CONFIDENCE = 0.85  # a date said of a subject, with no status word
ANAPHOR_WINDOW = 5  # "it", "the plant" standing for a name: its verb follows closely
AFTER_WINDOW = 5  # a mention after its cue (object)
NEG_PRE_WINDOW = 6
NEG_DENIAL_WINDOW = 10
NEG_POST_WINDOW = 3
QUALIFIER_WINDOW = 6
PLANNED_WORDS = frozenset(
    "".join(phrase_keys(p))
    for p in (
        "planned",
        "is planned",
        "scheduled",
        "is scheduled",
        "are scheduled",
        "scheduled to",
        "slated",
        "slated to",
        "targeted for",
        "expected",
        "is expected",
        "are expected",
        "is expected to",
        "are expected to",
        "due",
        "is due",
        "are due",
        "due to",
        "set to",
    )
)
DELAYED_BEFORE = 2  # "delayed the opening of", "pushed back its launch": a noun stage to come
# verbs that weigh what follows them: "considering ending production", "mulls closing"
CONSIDERING = frozenset(
    ("considering", "consider", "considers", "mulling", "mull", "mulls", "weighing", "weigh")
    + ("weighs", "contemplating", "contemplates", "pondering", "exploring", "explores", "eyeing")
)
PLANNED_AFTER = 5  # "deliveries are planned", "flight slips": within this many words after
HEDGE_BEFORE = 10  # "could soon be cancelled", "is likely, insiders say, to be approved"
HEDGE_AFTER = 3  # "cancelled, perhaps"; not "confirmed X, and said more would follow"
GAP_WINDOW = 8

DENIALS = frozenset(
    "".join(phrase_keys(p))
    for p in (
        "denies",
        "denied",
        "deny",
        "denying",
        "dismissed",
        "dismisses",
        "rejected",
        "rejects",
    )
)
# Words that open a fronted time or reason clause; within the first words of a sentence, the
# clause they open ends at the next comma. (Not "if", "unless", "once": a hypothetical's scope is
# the whole sentence.)
FRONTED = frozenset({"after", "following", "since", "when", "because", "as"})
FRONTED_WITHIN = 3
# Who speaks for the article's organisations (and their own names, added per baseline).
COMPANY = frozenset(
    {"company", "firm", "group", "maker", "manufacturer", "brand", "developer", "corporation"}
)
CLAUSE_PUNCT = frozenset({";", ":", "...", "-", "|"})
COORDINATION = frozenset(
    {
        ",",
        "and",
        "or",
        "&",
        "as",
        "well",
        "plus",
        "the",
        "a",
        "an",
        "its",
        "their",
        "both",
        "along",
        "with",
        "all",
        "new",
        "models",
        "model",
        "versions",
    }
)


@dataclass(frozen=True, slots=True)
class _Cue:
    kind: str  # status, weak, timing
    status: str | None
    active: bool = False
    tail: str | None = None  # joined key of the part after "..."


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    text: str
    kinds: set[str] = field(default_factory=set)
    cues: list[_Cue] = field(default_factory=list)
    gap: tuple[int, int] | None = None  # the words skipped by "A ... B"
    premises: bool = False  # a closing verb with places of business as its object


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    text: str
    claims: tuple[str, ...]
    blocked: tuple[str, ...]
    clause: int = 0
    group: int = 0
    note: str = ""
    via: str = ""  # a resolved anaphor: which earlier mention it stands for
    soft: bool = False  # found by its words in another order: cue words inside it still count
    replaced: tuple[_Mention, ...] = ()  # the exact names a soft one took the place of
    relational: bool = False  # a soft name like "Acme in Norway", which a verb may split
    listed_from: int = -1  # "Acme launched in Chad and Norway": where "Acme" of Norway's name is


@dataclass(slots=True)
class _Named:
    """What a sentence names: tracked claims (not as a comparison) and whether anything else
    (another maker, a lookalike, a point of comparison) is named too."""

    claims: tuple[str, ...]
    mention: str
    other: bool
    leads: bool  # the sentence opens on the mention ("Acme K4 gets ..."): its subject


@dataclass(slots=True)
class _Candidate:
    claim: str
    status: str | None
    confidence: float
    why: list[str]
    value: str | None = None
    evidence: str = ""


class _Timings:
    """The timings of a report's sentences, found only for the sentences that need them. A
    sentence that says "that year" reads the year named last before it, so the sentences before
    it are read (once) on demand."""

    def __init__(self, sentences: Sequence[str], published: str | None):
        self._sentences = sentences
        self._published = published
        self._found: dict[int, list[Timing]] = {}
        self._read = 0  # sentences before this index have been read for their years

    def of(self, index: int) -> list[Timing]:
        found = self._found.get(index)
        if found is None:
            sentence = self._sentences[index]
            if not _MAYBE_TIMING.search(sentence):
                found = []
            else:
                last = self._year_before(index) if _NEEDS_CONTEXT.search(sentence) else None
                found = find_timings(sentence, self._published, last)
            self._found[index] = found
        return found

    def _year_before(self, index: int) -> int | None:
        while self._read < index:
            self.of(self._read)
            self._read += 1
        for j in range(index - 1, -1, -1):
            found = self._found[j]
            if found:
                return found[-1].year
        return None


class Detector:
    """Compiled once from the claims and the lexicon; `observe` is pure and fast."""

    def __init__(
        self,
        claims: Iterable[Claim],
        lexicon: Lexicon | None = None,
        organizations: Sequence[str] = (),
    ):
        self.claims: dict[str, Claim] = {c.id: c for c in claims}
        self.lexicon = lexicon or shipped_lexicon()
        self._stopwords = frozenset(
            "".join(phrase_keys(w)) for w in self.lexicon.words("english_stopwords")
        )
        self.organizations = organizations_of(self.claims.values(), organizations)
        orgs = org_words(self.organizations)
        self._company = COMPANY | orgs
        self._lead_words = LEAD_WORDS | orgs
        self._coordination = COORDINATION | orgs
        self._heads_of = {c.id: head_nouns((c,)) for c in self.claims.values()}
        self._nouns = GENERIC_NOUNS.union(*self._heads_of.values())
        self._may_refer = _may_refer(self._nouns)
        # a subject's own words (its description and names), and with its look-alikes' too
        self._alias_words = {
            c.id: frozenset(k for name in c.aliases for k in phrase_keys(name))
            for c in self.claims.values()
        }
        self._own_words = {
            c.id: frozenset(k for name in (c.subject, *c.aliases) for k in phrase_keys(name))
            for c in self.claims.values()
        }
        # organisations' first words that name claims ("Canary" in "Canary XRP ETF"): who owns
        # which claim, where the claims' own names say it
        firsts = {keys[0] for keys in map(phrase_keys, self.organizations) if keys}
        firsts -= self._stopwords
        self._owner_words = {
            c.id: frozenset(self._own_words[c.id] & firsts) for c in self.claims.values()
        }
        owners_of: dict[str, set[str]] = {}
        for cid, words in self._owner_words.items():
            for w in words:
                owners_of.setdefault(w, set()).add(cid)
        self._owners_of = {w: frozenset(c) for w, c in owners_of.items() if len(w) > 2}
        self._vocabulary = {
            c.id: self._own_words[c.id]
            | frozenset(k for name in c.lookalikes for k in phrase_keys(name))
            for c in self.claims.values()
        }
        phrases: list[tuple[str, tuple[str, str]]] = []
        shared = self._organizations_of_several_claims()
        for claim in self.claims.values():
            phrases.extend(
                (a, (claim.id, "alias"))
                for a in expand(claim.aliases, True)
                # "The Body Shop (UK)" without its bracket is the whole company, whose other
                # parts are claims too ("The Body Shop Germany"), not this part alone
                if a in claim.aliases or "".join(phrase_keys(a)) not in shared
            )
            phrases.extend((a, (claim.id, "lookalike")) for a in expand(claim.lookalikes))
        phrases = with_leads(phrases, self.organizations)
        self._mentions: PhraseMatcher[tuple[str, str]] = PhraseMatcher(phrases)
        self._signatures = SignatureMatcher(
            [
                *((c.id, a, False) for c in self.claims.values() for a in c.aliases),
                *((c.id, a, True) for c in self.claims.values() for a in c.lookalikes),
            ],
            self.organizations,
        )
        self._org_signatures = self._signatures.needs_orgs  # else no report needs its orgs read
        self._org_key = {o.lower(): " ".join(phrase_keys(o)) for o in self.organizations}
        self._org_names = (
            re.compile(
                r"(?<!\w)("
                + "|".join(re.escape(o) for o in sorted(self._org_key, key=len, reverse=True))
                + r")(?!\w)"
            )
            if self._org_key
            else None
        )
        self._screen = screen([*(p for p, _ in phrases), *self._signatures.anchors])
        others = self._words("other_brands")
        self._other_makers = screen(others) if others else None
        denials = self._words("report_denials")
        self._denials = _whole_phrases(denials)
        # a phrase can only match where its longest word occurs: cheap substring tests first
        self._denial_words = tuple({max(fold_accents(p).lower().split(), key=len) for p in denials})
        cue_phrases = self._lexicon_phrases()
        self._cues: PhraseMatcher[tuple[str, object]] = PhraseMatcher(cue_phrases)
        cue_keys = [phrase_keys(p) for p, (kind, _) in cue_phrases if kind == "cue"]
        self._cue_starts = frozenset(k[0] for k in cue_keys if k)
        self._cue_heads = frozenset("".join(k) for k in cue_keys)
        self._hides: dict[str, bool] = {}
        self._tail_index: dict[int, dict[str, list[tuple[int, str]]]] = {}
        self._longest_cue = max((len(k) for k in cue_keys), default=1)

    # --- compile -----------------------------------------------------------------------------

    def _words(self, key: str) -> list[str]:
        """A lexicon list with its `{org}` slots filled by this baseline's organisations."""
        return fill_org_slots(self.lexicon.words(key), self.organizations)

    def _lexicon_phrases(self) -> list[tuple[str, tuple[str, object]]]:
        lex = self.lexicon
        out: list[tuple[str, tuple[str, object]]] = []
        listed = {
            "".join(phrase_keys(p))
            for entry in lex.statuses.values()
            for p in (*entry.cues, *entry.weak_cues, *entry.active_cues)
        }
        for status, entry in lex.statuses.items():
            active = {"".join(phrase_keys(p)) for p in entry.active_cues}
            for kind, phrases in (("status", entry.cues), ("weak", entry.weak_cues)):
                listed_here = (*phrases, *(entry.active_cues if kind == "status" else ()))
                variants = [
                    v
                    for p in listed_here
                    for v in past_variants(p)
                    if "".join(phrase_keys(v)) not in listed
                ]
                for phrase in (*listed_here, *dict.fromkeys(variants)):
                    head, _, tail = phrase.partition(" ... ")
                    key = "".join(phrase_keys(phrase))
                    cue = _Cue(
                        kind, status, key in active, "".join(phrase_keys(tail)) if tail else None
                    )
                    out.append((head, ("cue", cue)))
        for phrase in lex.words("timing_cues"):
            out.append((phrase, ("cue", _Cue("timing", None))))
        # every word list of the lexicon but the two read elsewhere (timings above, stopwords
        # by the language check)
        for key in LIST_KEYS:
            if key in ("timing_cues", "english_stopwords", "report_denials"):
                continue
            out.extend((p, (key, None)) for p in self._words(key))
        for key, phrases in lex.negation.items():
            out.extend((p, (f"neg_{key}", None)) for p in phrases)
        return out

    # --- public ------------------------------------------------------------------------------

    def observe(
        self, report: Report, claims: Mapping[str, Claim] | None = None
    ) -> list[Observation]:
        """What the report says of each tracked claim it names.

        `claims`, when given, is the claims' current state: their statuses and values decide
        plausibility ("a step backwards") and whether a timing adds anything. Without it, the
        claims the detector was compiled from are used. Aliases always come from compile time.
        """
        return self._run(report, None, self._current(claims))

    def explain(self, report: Report, claims: Mapping[str, Claim] | None = None) -> Explanation:
        notes: list[SentenceNote] = []
        observations = self._run(report, notes, self._current(claims))
        lang = self._language(report)[0]
        verdicts = tuple(
            {
                "claim": o.claim,
                "status": o.status,
                "value": o.value,
                "confidence": round(o.confidence, 3),
                "why": list(o.why),
                "evidence": o.evidence,
            }
            for o in observations
        )
        return Explanation(
            report=report.key, language=lang, sentences=tuple(notes), verdicts=verdicts
        )

    def _current(self, claims: Mapping[str, Claim] | None) -> Mapping[str, Claim]:
        if claims is None or claims is self.claims:
            return self.claims
        if all(cid in claims for cid in self.claims):
            return claims
        return {**self.claims, **claims}  # a claim the caller does not hold keeps its own

    # --- pipeline ----------------------------------------------------------------------------

    def _sentences(self, report: Report) -> list[str]:
        return self._paragraphs(report)[0]

    def _paragraphs(self, report: Report) -> tuple[list[str], list[int]]:
        """The sentences, and for each its paragraph: -1 for the headline, then 0, 1, ... for
        the blocks of the text."""
        out: list[str] = []
        blocks: list[int] = []
        title = clean(report.title)
        if title:
            out.extend(split_sentences(title))
            blocks.extend([-1] * len(out))
        body = clean(report.text)
        if body:
            for b, line in enumerate(body.split("\n")):
                found = split_sentences(line)
                out.extend(found)
                blocks.extend([b] * len(found))
        return out, blocks

    def _language(self, report: Report, sentences: Sequence[str] | None = None) -> tuple[str, bool]:
        declared = declared_language(report.lang)
        if declared is not None:
            return declared, declared == "en"
        sentences = self._sentences(report) if sentences is None else sentences
        english = text_looks_english(" ".join(sentences), self._stopwords)
        return ("en" if english else "not English (detected)"), english

    def _named(self, sentences: Sequence[str]) -> set[int]:
        """The sentences that pass the screen: one search over the whole report when it is
        ASCII (joined by a character no phrase can span), else sentence by sentence."""
        joined = "\0".join(sentences)
        if not joined.isascii():
            return {i for i, s in enumerate(sentences) if self._names_a_model(s)}
        starts: list[int] = []
        at = 0
        for s in sentences:
            starts.append(at)
            at += len(s) + 1
        low = joined.lower()
        found: set[int] = set()
        pos = 0
        while (m := self._screen.search(low, pos)) is not None:
            k = bisect_right(starts, m.start()) - 1
            found.add(k)
            if k + 1 == len(starts):
                break
            pos = starts[k + 1]  # one hit is enough: on to the next sentence
        return found

    def _names_a_model(self, sentence: str) -> bool:
        """The screen: could an alias or lookalike match here? (Never wrong when it says no.)"""
        folded = sentence.lower() if sentence.isascii() else fold_accents(sentence)
        return self._screen.search(folded) is not None

    def _run(
        self, report: Report, notes: list[SentenceNote] | None, claims: Mapping[str, Claim]
    ) -> list[Observation]:
        sentences, blocks = self._paragraphs(report)
        named = self._named(sentences)
        if not named and notes is None:
            return []  # most of a feed: nothing tracked is named, in whatever language
        lang, english = self._language(report, sentences)
        if not english:
            if notes is not None:
                notes.extend(
                    SentenceNote(s, skipped=f"language {lang}: no cues read") for s in sentences
                )
            return []
        best: dict[str, _Candidate] = {}
        timings = _Timings(sentences, report.published)
        seen: dict[int, _Named] = {}
        named_orgs = self._orgs_named(sentences) if self._org_signatures else frozenset()
        for i, sentence in enumerate(sentences):
            resolve: _Named | None = None
            if i not in named:
                # A sentence naming no tracked model or lookalike says nothing of one, unless
                # it opens on "It" or speaks of "the car" right after a single model was named.
                resolve = self._antecedent(i, sentence, sentences, blocks, named, seen)
                if resolve is None:
                    continue
            found = self._sentence(
                i, sentence, report, notes, timings, claims, seen, resolve, named_orgs
            )
            if resolve is None and i not in seen:
                # the screen let it through, but it names nothing: read it as one that names
                # nothing (it may still speak of the subject of the sentence before)
                named.discard(i)
                resolve = self._antecedent(i, sentence, sentences, blocks, named, seen)
                if resolve is not None:
                    found = self._sentence(
                        i, sentence, report, notes, timings, claims, seen, resolve, named_orgs
                    )
            for cand in found:
                cur = best.get(cand.claim)
                best[cand.claim] = cand if cur is None else _merge(cur, cand, claims)
        if any(_is_change(c, claims) for c in best.values()):
            denial = self._denial(sentences)
            if denial is not None:
                for cid, cand in best.items():
                    best[cid] = _denied(cand, claims, denial)
        return [
            Observation(
                c.claim, c.status, round(c.confidence, 4), c.evidence, c.value, tuple(c.why)
            )
            for c in sorted(best.values(), key=lambda c: c.claim)
        ]

    def _organizations_of_several_claims(self) -> frozenset[str]:
        """The joined keys of the organisations whose name opens names of two or more claims."""
        out: set[str] = set()
        for org in self.organizations:
            keys = phrase_keys(org)
            owned = {
                c.id
                for c in self.claims.values()
                if any(phrase_keys(a)[: len(keys)] == keys for a in c.aliases)
            }
            if keys and len(owned) > 1:
                out.add("".join(keys))
        return frozenset(out)

    def _a_local_exit(self, h: _Hit, claim: Claim, tokens: list[Token]) -> bool:
        """ "pulls out of Bristol", "is withdrawing from the Netherlands": an exit whose place
        is not one of the claim's own words ("Getir UK" leaving the UK is its own exit)."""
        if "".join(t.key for t in tokens[h.start : h.end]) not in EXIT_CUES:
            return False
        at = h.end + (h.end < len(tokens) and tokens[h.end].key == "the")
        if at >= len(tokens) or not tokens[at].is_word or not tokens[at].text[:1].isupper():
            return False
        if any(t.key == "rest" for t in tokens[at + 1 : at + 6]):
            return False  # "pulled out of Britain and the rest of the world": every market
        return tokens[at].key not in self._own_words.get(claim.id, frozenset())

    def _disambiguate(self, claims: tuple[str, ...], tokens: list[Token]) -> tuple[str, ...]:
        """Of the subjects one name stands for, those whose own words (not shared with the
        others) the sentence holds."""
        keys = {t.key for t in tokens} - STOPWORDS_FOR_NAMES
        words = self._own_words
        return tuple(
            c
            for c in claims
            if (words[c] - frozenset().union(*(words[o] for o in claims if o != c))) & keys
        )

    def _orgs_named(self, sentences: Sequence[str]) -> frozenset[str]:
        """The baseline's organisations this report names anywhere (as phrase keys)."""
        if self._org_names is None:
            return frozenset()
        low = " \n ".join(sentences).lower()
        return frozenset(self._org_key[m.group(1)] for m in self._org_names.finditer(low))

    def _denial(self, sentences: Sequence[str]) -> str | None:
        """The first denial the report carries ("the company denied the report"), if any."""
        if self._denials is None:
            return None
        text = " \n ".join(sentences)
        low = text.lower() if text.isascii() else fold_accents(text).lower()
        for word in self._denial_words:  # search only around each occurrence of the word
            at = low.find(word)
            while at != -1:
                m = self._denials.search(low, max(0, at - 40), at + len(word) + 40)
                if m is not None:
                    return m.group(0)
                at = low.find(word, at + 1)
        return None

    def _antecedent(
        self,
        index: int,
        sentence: str,
        sentences: Sequence[str],
        blocks: Sequence[int],
        named: set[int],
        seen: dict[int, _Named],
    ) -> _Named | None:
        """The one tracked model an anaphor in sentence `index` can stand for: the nearest
        earlier sentence that names any model, in the same paragraph or the headline, at most
        two sentences back, must name exactly one tracked claim and nothing else. (Cheapest
        tests first: this runs for every sentence that names no model.)"""
        found: _Named | None = None
        between: list[int] = []
        for j in range(index - 1, max(-1, index - 1 - ANTECEDENT_REACH), -1):
            if blocks[j] != blocks[index] and blocks[j] != -1:
                return None  # another paragraph
            if j in named:
                found = seen.get(j)
                break
            between.append(j)
        if found is None or found.other or not found.claims:
            return None
        if len(found.claims) > 1:
            # "The X and the Y were shown. Both have since been dropped.": a plural anaphor
            if _PLURAL_OPENING.match(sentence) is None:
                return None
        elif not self._may_refer.match(sentence):
            return None
        for j in between:
            if self._other_makers is not None and self._other_makers.search(
                fold_accents(sentences[j])
            ):
                return None  # "it" may be the other maker's car
        return found

    def _sentence(
        self,
        index: int,
        sentence: str,
        report: Report,
        notes: list[SentenceNote] | None,
        timings_of: _Timings,
        claims: Mapping[str, Claim],
        seen: dict[int, _Named],
        resolve: _Named | None = None,
        named_orgs: frozenset[str] = frozenset(),
    ) -> list[_Candidate]:
        tokens = tokenize(sentence)
        mentions = self._find_mentions(tokens, sentence, named_orgs)
        hits = self._find_cues(tokens, sentence)
        if resolve is not None and len(resolve.claims) > 1:
            span = None if mentions else _plural_anaphor(tokens, 0)
            if span is None:
                return []
            mentions = [
                _standing_for(span, tokens, sentence, resolve.claims, "the subjects named before")
            ]
            resolve = None
            plural_resolved = True
        else:
            plural_resolved = False
        if resolve is not None:
            span = None if mentions else _anaphor(tokens, sentence, self._nouns)
            if span is None or any("other_brands" in h.kinds for h in hits):
                return []
            if tokens[span[0]].key in ("it", "it's") and not resolve.leads:
                return []  # "Acme has shown the K4. It has also ...": "it" may be the company
            named_as = {ANOTHER_MODEL.get(w, w) for w in _WORDS.findall(resolve.mention.lower())}
            if any(
                ANOTHER_MODEL[t.key] not in named_as
                for t in tokens[span[0] : span[1]]
                if t.key in ANOTHER_MODEL
            ):
                return []  # "the old car" is not the new one
            mentions = [
                _standing_for(
                    span, tokens, sentence, resolve.claims, f"{resolve.mention!r}, named before"
                )
            ]
        if not any(m.claims for m in mentions):
            if mentions and resolve is None:
                seen[index] = _Named((), "", True, False)  # a look-alike only
            if notes is not None and mentions:
                notes.append(SentenceNote(sentence, tuple(_mention_note(m) for m in mentions)))
            return []
        _appositives(mentions, tokens)
        mentions = _without_split_names(mentions, hits)
        hits = self._not_its_own_words(_outside_mentions(hits, mentions, tokens), mentions, tokens)
        hits.extend(_granted(mentions, tokens, sentence, hits))
        clause_of = _clauses(tokens, hits, mentions, sentence)
        for m in mentions:
            m.clause = clause_of[m.start]
        _group(mentions, tokens, self._coordination)
        if not plural_resolved:
            mentions = _plural_in_sentence(mentions, tokens, clause_of, sentence)
        self._mark_mentions(mentions, hits, clause_of, tokens, sentence)
        if resolve is None and not plural_resolved:
            tracked = tuple(dict.fromkeys(c for m in mentions if not m.note for c in m.claims))
            other = any(m.note or not m.claims for m in mentions) or any(
                "other_brands" in h.kinds or "comparison" in h.kinds for h in hits
            )
            first = next((m for m in mentions if m.claims and not m.note), None)
            leads = first is not None and all(
                t.key in self._lead_words for t in tokens[: first.start]
            )
            seen[index] = _Named(tracked, first.text if first else "", other, leads)
        question = sentence.rstrip().rstrip("\"')").endswith("?")
        # "X begins operation: what has changed?": the question is the part after the colon
        asked_from = (
            max((i for i, t in enumerate(tokens) if t.key == ":"), default=-1)
            if question and ":" in sentence
            else -1
        )
        low = sentence.lower()
        when = "when" in low or "once" in low  # "when the K5 opens": read per cue below
        reported = [h.text for h in hits if "reported" in h.kinds]
        official = [h.text for h in hits if "official" in h.kinds]
        timings: list[Timing] | None = None  # found only once a cue is attached
        pub_key = (report.published or "")[:10]  # the day; months compare on [:7]

        cands: dict[str, list[_Candidate]] = {}
        cue_notes: list[CueNote] = []
        for h in hits:
            for cue in h.cues:
                if h.start >= len(clause_of):
                    continue
                attached, attach_why = self._attach(h, cue, mentions, hits, clause_of, tokens)
                decisions: list[str] = list(attach_why)
                if not attached:
                    if notes is not None:
                        cue_notes.append(
                            CueNote(h.text, cue.kind, cue.status, (), None, 0.0, tuple(decisions))
                        )
                    continue
                qual = _qualify(h, hits, clause_of, question and h.end > asked_from, tokens, when)
                if timings is None:
                    timings = timings_of.of(index)
                for m in attached:
                    if m.via and (cue.kind != "status" or "negation" in qual or "hedge" in qual):
                        decisions.append(
                            f"{m.text!r} stands for an earlier mention: only a strong, "
                            "unhedged, positive cue is read"
                        )
                        cue_notes.append(
                            CueNote(h.text, cue.kind, cue.status, (), None, 0.0, tuple(decisions))
                        )
                        continue
                    readings = m.claims
                    if len(m.claims) > 1 and not m.via and cue.kind == "status":
                        # "Camp Snoopy" is a name of two tracked subjects: which one opened? A
                        # word only one of them has ("Knott's") in the sentence says
                        readings = self._disambiguate(m.claims, tokens)
                        if len(readings) != 1:
                            decisions.append(
                                f"{m.text!r} names {len(m.claims)} subjects: none is read"
                            )
                            cue_notes.append(
                                CueNote(
                                    h.text, cue.kind, cue.status, (), None, 0.0, tuple(decisions)
                                )
                            )
                            continue
                    for claim_id in readings:
                        cand = self._verdict(
                            claims[claim_id],
                            cue,
                            h,
                            qual,
                            reported,
                            official,
                            timings,
                            tokens,
                            clause_of,
                            pub_key,
                            sentence,
                            (m.start, m.end),
                        )
                        cand.why.insert(0, f"mention {m.text!r}")
                        if m.via:
                            cand.why.insert(1, m.via)
                            if cand.status is None:
                                continue
                        cands.setdefault(claim_id, []).append(cand)
                        if notes is None:
                            continue  # observe: no account to keep
                        decisions.extend(cand.why[1:])
                        cue_notes.append(
                            CueNote(
                                h.text,
                                cue.kind,
                                cue.status,
                                (claim_id,),
                                cand.status,
                                cand.confidence,
                                tuple(dict.fromkeys(decisions)),
                            )
                        )
        out: list[_Candidate] = []
        for m in mentions:
            for claim_id in m.claims:
                if claim_id not in cands and not m.via:
                    cands[claim_id] = [
                        _Candidate(
                            claim_id,
                            None,
                            0.0,
                            [f"mention {m.text!r}; no status cue in scope"],
                            evidence=sentence,
                        )
                    ]
        for options in cands.values():
            if any(o.status in REPORTED_STAGES for o in options):
                # "the K6 has been cancelled, sources confirmed": the confirming verb reports
                # the other status, it is not one of its own
                options = [o for o in options if o.status != "confirmed"] or options
            pick = options[0]
            for o in options[1:]:
                pick = _merge(pick, o, claims)
            out.append(pick)
        if notes is not None:
            qualifiers = tuple(
                f"{'/'.join(sorted(h.kinds))}: {h.text!r}" for h in hits if h.kinds and not h.cues
            )
            notes.append(
                SentenceNote(
                    sentence,
                    tuple(_mention_note(m) for m in mentions),
                    tuple(cue_notes),
                    qualifiers,
                )
            )
        return out

    # --- finding ----------------------------------------------------------------------------

    def _find_mentions(
        self, tokens: list[Token], sentence: str, named_orgs: frozenset[str] = frozenset()
    ) -> list[_Mention]:
        out: list[_Mention] = []
        for m in self._mentions.find(tokens):
            blocked = tuple(sorted({c for c, k in m.payloads if k == "lookalike"}))
            claims = tuple(sorted({c for c, k in m.payloads if k == "alias"} - set(blocked)))
            if claims and _a_variant_suffix(m.end, tokens, sentence):
                blocked, claims = tuple(sorted({*blocked, *claims})), ()  # "Meteor Lake-S"
            text = sentence[tokens[m.start].start : tokens[m.end - 1].end]
            prev = out[-1] if out else None
            if prev is not None and prev.end == m.start and tokens[m.start].joinable:
                merged = self._merge_adjacent(prev, claims, text)
                if merged is not None:
                    out[-1] = _Mention(
                        prev.start,
                        m.end,
                        f"{prev.text} {text}",
                        merged,
                        tuple(sorted({*prev.blocked, *blocked})),
                    )
                    continue
            out.append(_Mention(m.start, m.end, text, claims, blocked))
        extra = self._signatures.find(tokens, named_orgs)
        if extra:
            for hit in extra:
                inside = [m for m in out if m.start < hit.end and hit.start < m.end]
                if inside:
                    # a longer name around a shorter one ("Corvid-badged electric K7" around
                    # "electric K7") replaces it; any other overlap keeps the exact name
                    if any(m.start < hit.start or m.end > hit.end for m in inside) or any(
                        m.end - m.start >= hit.size for m in inside
                    ):
                        continue
                    out = [m for m in out if m not in inside]
                text = sentence[tokens[hit.start].start : tokens[hit.end - 1].end]
                out.append(
                    _Mention(
                        hit.start,
                        hit.end,
                        text,
                        hit.claims,
                        hit.blocked,
                        soft=True,
                        replaced=tuple(inside),
                        relational=hit.relational,
                        listed_from=hit.listed_from,
                    )
                )
            out.sort(key=lambda m: m.start)
        return out

    def _merge_adjacent(
        self, prev: _Mention, claims: tuple[str, ...], text: str
    ) -> tuple[str, ...] | None:
        """ "electric Acme" + "K7": one noun phrase, about the claim whose own names hold
        both parts; None when neither does (two separate mentions)."""
        words = "".join(phrase_keys(text))
        for claim_id in prev.claims:
            names = (*self.claims[claim_id].aliases, *self.claims[claim_id].lookalikes)
            if any(words in "".join(phrase_keys(n)) for n in names):
                return (claim_id,)
        return None

    def _find_cues(self, tokens: list[Token], sentence: str) -> list[_Hit]:
        hits: list[_Hit] = []
        matches: list[Match[tuple[str, object]]] = self._cues.find(tokens)
        k = 0
        while k < len(matches):
            m = matches[k]
            k += 1
            tails = self._tails(m, tokens)
            if (
                m.end - m.start > 1
                and tails is not None
                and not any(tails)
                and _all_gapped(m.payloads)
                and self._may_hide(m, tokens)
            ):
                # A gapped cue's head whose tail is missing hides what the words say: a shorter
                # phrase at the same place ("approved" in "approved the K5", where "approved the
                # ... lease" was looked for), or one starting inside it ("started selling" in
                # "has started selling", where "has started ... production" was)
                shorter = [s for s in self._cues.find(tokens[m.start : m.end - 1]) if s.start == 0]
                if shorter:
                    m = Match(m.start, m.start + shorter[0].end, shorter[0].payloads)
                    tails = self._tails(m, tokens)
                else:
                    matches[k:] = self._rescan(tokens, m, matches[k:])
                    continue
            hit = _Hit(m.start, m.end, sentence[tokens[m.start].start : tokens[m.end - 1].end])
            # a head that is a cue of its own and the head of a gapped one: the gapped one, found
            # whole, says more ("concluded ... takeover" over "concluded")
            whole = tails is not None and any(tails)
            for n, (kind, payload) in enumerate(m.payloads):
                if kind == "cue":
                    assert isinstance(payload, _Cue)
                    if payload.tail is None:
                        if not whole:
                            hit.cues.append(payload)
                        continue
                    found = tails[n] if tails is not None else None
                    if found is not None:
                        tail_start, end = found
                        hits.append(
                            _Hit(
                                m.start,
                                end,
                                sentence[tokens[m.start].start : tokens[end - 1].end],
                                cues=[_Cue(payload.kind, payload.status, payload.active)],
                                gap=(m.end, tail_start),
                                premises=payload.tail in PREMISES,
                            )
                        )
                else:
                    hit.kinds.add(kind)
            if "pseudo_cues" in hit.kinds:
                hit.cues.clear()
            if hit.text == "May" and m.start > 0:
                hit.kinds.discard("hedges")  # "closed in May": the month, not the modal
            if hit.kinds and _a_number_sign(m.start, m.end, tokens):
                hit.kinds -= NEGATION_KINDS  # "the No. 2 unit": a number, not a "no"
            if (
                "historical" in hit.kinds
                and m.start > 0
                and sentence[tokens[m.start - 1].end : tokens[m.start].start] == "-"
            ):
                hit.kinds.discard("historical")  # "a 48-year-old unit": an age, not the past
            if hit.cues or hit.kinds:
                hits.append(hit)
            if m.end - m.start > 1:
                weak = bool(hit.cues) and all(c.kind == "weak" for c in hit.cues)
                qualifier = not hit.cues and hit.kinds and hit.kinds <= QUALIFIER_KINDS
                if (weak or qualifier) and self._may_hide(m, tokens):
                    # a qualifier or a weak cue does not hide a cue that starts inside it ("Acme
                    # officially" and "officially opened", "are set to" and "set to close"; a
                    # weak cue's own qualifiers stay inside it: "is said to be")
                    matches[k:] = self._rescan(tokens, m, matches[k:], cues_only=weak)
        hits.sort(key=lambda h: (h.start, -h.end))
        gapped = [h for h in hits if h.gap is not None and h.cues]
        if gapped:
            # "filming of the K5 began": "began" is the tail of "filming ... began", which says
            # more; the bare word alone must not outvote it
            for h in hits:
                if (
                    h.cues
                    and h.gap is None
                    and any(
                        g.gap is not None and g.gap[1] <= h.start and h.end <= g.end for g in gapped
                    )
                ):
                    h.cues.clear()
            hits = [h for h in hits if h.cues or h.kinds]
        return hits

    def _tails(
        self, m: Match[tuple[str, object]], tokens: list[Token]
    ) -> list[tuple[int, int] | None] | None:
        """Where each gapped cue of the match finds its tail (None where it does not); None
        when the match holds no gapped cue. One pass over the words after the head, however
        many tails it has ("production ... started", "... ended", "... stopped")."""
        index = self._tail_index.get(id(m.payloads))
        if index is None:
            index = _tail_index(m.payloads)
            self._tail_index[id(m.payloads)] = index
        if not index:
            return None
        out: list[tuple[int, int] | None] = [None] * len(m.payloads)
        settled: set[int] = set()  # found, or found where it cannot be the verb's object
        left = sum(len(v) for v in index.values())
        n = len(tokens)
        for i in range(m.end, min(n, m.end + GAP_WINDOW)):
            key = tokens[i].key
            if key in CLAUSE_PUNCT and not (key == ":" and _between_capitals(tokens, i)):
                break  # a clause ends; a title's colon ("Acme: Rising") does not end one
            for k, tail in index.get(key[:1], ()):
                if k in settled:
                    continue
                if key == tail or key == tail + "s":  # "withdrew ... applications" too
                    out[k] = (i, i + 1)
                elif tail.startswith(key):
                    joined = key
                    for j in range(i + 1, min(n, i + 4)):
                        joined += tokens[j].key
                        if joined == tail or joined == tail + "s":
                            out[k] = (i, j + 1)
                            break
                        if not tail.startswith(joined):
                            break
                found = out[k]
                if found is not None:
                    settled.add(k)
                    left -= 1
                    if tail in PREMISES and not _premises_object(m.end, found[0], tokens):
                        out[k] = None  # "closed 40 stores", not "shuts on Saturday, with bars"
            if not left:
                break
        return out

    def _may_hide(self, m: Match[tuple[str, object]], tokens: list[Token]) -> bool:
        """Can this head hide another cue: a shorter one it starts with, or one starting inside
        it? Known once per head ("work on" hides none, "has started" hides "started ...")."""
        keys = [t.key for t in tokens[m.start : m.end]]
        joined = "".join(keys)
        found = self._hides.get(joined)
        if found is None:
            found = any("".join(keys[:j]) in self._cue_heads for j in range(1, len(keys))) or any(
                k in self._cue_starts for k in keys[1:]
            )
            self._hides[joined] = found
        return found

    def _rescan(
        self,
        tokens: list[Token],
        m: Match[tuple[str, object]],
        rest: list[Match[tuple[str, object]]],
        cues_only: bool = False,
    ) -> list[Match[tuple[str, object]]]:
        """The matches starting inside `m` (after its first word), then those of `rest` they do
        not overlap; the rest of the sentence is matched again only where they run past it.
        `cues_only`: only matches that hold a status cue count as inside."""
        at = m.start + 1
        window = self._cues.find(tokens[at : m.end + self._longest_cue])
        inside = [
            Match(s.start + at, s.end + at, s.payloads)
            for s in window
            if s.start + at < m.end and (not cues_only or any(k == "cue" for k, _ in s.payloads))
        ]
        if not inside:
            return rest
        reach = max(s.end for s in inside)
        if reach <= m.end:
            return inside + rest
        again = self._cues.find(tokens[reach:])
        return inside + [Match(s.start + reach, s.end + reach, s.payloads) for s in again]

    def _mark_mentions(
        self,
        mentions: list[_Mention],
        hits: list[_Hit],
        clause_of: list[int],
        tokens: list[Token],
        sentence: str,
    ) -> None:
        """Comparisons ("a rival to the K4 Open") and other makers' models say nothing."""
        for m in mentions:
            owner = self._other_owner(m, tokens)
            if owner:
                m.note = owner
                continue
            nxt = tokens[m.end] if m.end < len(tokens) else None
            if (
                nxt is not None
                and nxt.key in COMPOUND_AFTER
                and sentence[tokens[m.end - 1].end : nxt.start] == "-"
            ):
                m.note = f"modifier of another noun ({nxt.text!r})"
                continue
            if nxt is not None and nxt.key in RELATED_NOUNS:
                m.note = f"names what belongs to it ({nxt.text!r})"
                continue
            for h in hits:
                if clause_of[h.start] != m.clause or h.end > m.start or m.start - h.end > 2:
                    continue
                if (
                    "comparison" in h.kinds
                    and not _examples_after_a_plural(h, tokens)
                    and not _an_epithet(h, m, tokens)
                ):
                    m.note = f"point of comparison ({h.text!r})"
                elif "other_brands" in h.kinds:
                    m.note = f"another maker's ({h.text!r})"

    def _other_owner(self, m: _Mention, tokens: list[Token]) -> str:
        """Another organisation's product, decided from the words, not from a list of makers:
        a possessive name that is none of the baseline's ("Northwind's delivery drone"), a name
        before a lower-case generic name ("the Northwind delivery drone"), or "its own" when the
        sentence's subject is not one of the baseline's organisations."""
        if m.start == 0 or not m.claims:
            return ""
        prev = tokens[m.start - 1]
        bare = prev.key[:-2] if prev.key.endswith("'s") else prev.key
        if prev.key.endswith("'s") and bare in self._owners_of:
            # "Canary's Litecoin ETF" where the claim's own names say Grayscale: in a baseline
            # of several organisations, the possessive is one that owns other claims, not this
            owned = self._owners_of[bare]
            if all(c not in owned and self._owner_words[c] for c in m.claims):
                return f"another owner's ({prev.text!r})"
        if not prev.is_word or prev.key in self._lead_words:
            return ""
        if any(bare in self._vocabulary[c] for c in m.claims):
            return ""  # "the Aarhus cell factory": a word of its own names, not an owner
        if prev.key.endswith("'s") and prev.text[:1].isupper() and m.text[:1].islower():
            return f"another owner's ({prev.text!r})"
        if (
            prev.text[:1].isupper()
            and m.start - 1 > 0
            and m.text[:1].islower()
            and not prev.key.endswith("'s")
            and tokens[m.start - 2].key in ("the", "a", "an", "its", "their")
        ):
            return f"another owner's ({prev.text!r})"
        owned = prev.key in ("its", "their") or (
            prev.key == "own" and m.start >= 2 and tokens[m.start - 2].key in ("its", "their")
        )
        if owned and m.text[:1].islower():
            start = 0
            if tokens[0].key in FRONTED_OPENERS:
                # "Now, 14 years later, Acme has opened its ...", "In April, Acme decided to
                # close all of its ...": the subject follows the fronted phrase
                start = max(
                    (j + 1 for j in range(min(m.start, FRONTED_REACH)) if tokens[j].key == ","),
                    default=1,
                )
            subject = next(
                (t for t in tokens[start : m.start] if t.is_word and t.key not in NP_STARTS),
                None,
            )
            if (
                subject is not None
                and subject.text[:1].isupper()
                and subject.key not in self._company
                and subject.key not in PRONOUNS
            ):
                return f"its owner is the subject, {subject.text!r}"
        return ""

    def _object_distance(
        self,
        h: _Hit,
        cue: _Cue,
        m: _Mention,
        mentions: list[_Mention],
        tokens: list[Token],
        clause: int,
    ) -> int | None:
        """How far a name after the cue is, as the cue's object; None when it is not the
        cue's object at all."""
        d = m.start - h.end
        if (
            _verb_cue(h, tokens)
            or tokens[h.end - 1].key == "of"
            or (h.end < len(tokens) and tokens[h.end].key == "of")
        ) and _an_example_of_the_object(h, m, tokens):
            return min(d, AFTER_WINDOW)  # "introduced new products, such as the K5"
        if any(t.key == ":" for t in tokens[h.end : m.start]) and any(
            (o.claims or o.blocked) and o.end <= h.start and o.clause == clause for o in mentions
        ):
            return None  # "Meteor Lake-S Canceled: Arrow Lake to replace it": the label's
        if (
            _passive(h, tokens)
            and tokens[h.end].key in MODIFIER_PREPOSITIONS
            and _a_noun_subject(h, tokens)
        ):
            return None  # "a decision was unveiled for the K5": the decision was
        if (
            _verb_cue(h, tokens) or (h.end < len(tokens) and tokens[h.end].key == "of")
        ) and _object_before(h, m, tokens):
            return None  # "launched a new app for K5 owners": the app, not the K5
        if any(t.key in CLAUSE_OPENERS for t in tokens[h.end : m.start]):
            return None  # "pulled out of the show where the K5 was due": another clause
        if any(
            tokens[i].key == "ahead" and tokens[i + 1].key == "of"
            for i in range(h.end, m.start - 1)
        ):
            return None  # "launches new CPUs ahead of the K5": a time, not what was launched
        if any(
            tokens[i].key == "to" and tokens[i + 1].key in GROWTH_VERBS
            for i in range(h.end, m.start - 1)
        ):
            return None  # "cancelled plans to expand the K5 plant": the expansion, not the plant
        if (
            cue.status not in SAYING_STATUSES
            and tokens[h.end].key == "that"
            and h.end + 1 < len(tokens)
            and tokens[h.end + 1].key in _DETERMINERS
        ):
            return None  # "concluded that the K5 needed ...": what was concluded
        if d <= AFTER_WINDOW and (
            h.start == 0 or all(t.key != "," for t in tokens[h.end : m.start])
        ):
            pass  # within reach, no comma: its object
        elif _appositive_object(h, m, tokens):
            d = min(d, AFTER_WINDOW)  # "released its new game, 'K5,' in May"
        elif cue.kind == "status" and _place_of(h, m, tokens):
            pass  # "began production of its new chip at the Aarhus plant"
        elif cue.kind == "status" and _infinitive_object(h, m, tokens):
            pass  # "reached a deal with three shops to sell the K5"
        elif _alongside(h, m, tokens):
            d = min(d, AFTER_WINDOW)  # "the K4 is being retired, alongside the K5": both are
        elif _named_head(h, m, tokens, self._nouns):
            pass  # "the premiere of the long-awaited film 'K5'"
        elif d > AFTER_WINDOW or (
            h.start > 0 and any(t.key == "," for t in tokens[h.end : m.start])
        ):
            return None  # "with the old ones now retired, the X will ...": not its object
        return d

    def _not_its_own_words(
        self, hits: list[_Hit], mentions: list[_Mention], tokens: list[Token]
    ) -> list[_Hit]:
        """An ending cue inside a name found by its words, made only of that name's own words,
        names it: "a ban on disposable vapes has come into force" tracks a ban, which the word
        "ban" does not cancel."""
        soft = [m for m in mentions if m.soft and m.claims]
        if not soft:
            return hits

        def names(h: _Hit) -> bool:
            if not any(c.status in ENDINGS for c in h.cues):
                return False  # "Vulcan maiden flight": a start in the name is its event
            for m in soft:
                if m.start <= h.start and h.end <= m.end:
                    words = frozenset().union(*(self._alias_words[c] for c in m.claims))
                    if all(
                        t.key in words or t.key in ANY_PREPOSITION for t in tokens[h.start : h.end]
                    ):
                        return True
            return False

        return [h for h in hits if not names(h)]

    def _company_agent(self, h: _Hit, tokens: list[Token]) -> tuple[bool, bool | None]:
        """Does one of the baseline's organisations (or "the company") stand among the three
        words before the cue, and among the words after a passive's "by" (None: no "by")?"""
        before = any(t.key in self._company for t in tokens[max(0, h.start - 3) : h.start])
        after = tokens[h.end : h.end + 3]
        if not after or after[0].key != "by":
            return before, None
        return before, any(t.key in self._company for t in after[1:])

    def _by_its_owner(self, h: _Hit, tokens: list[Token]) -> bool:
        """ "Orla halts the K5" is a decision of the owner; "the K5 was halted by a court" or
        "the city halts the K5" stops it from outside, and a stop from outside may be lifted."""
        before, by = self._company_agent(h, tokens)
        return before if by is None else by

    def _its_own(self, h: _Hit, m: _Mention, tokens: list[Token]) -> bool:
        """ "the University of X opened its first campus in Y", where the campus is what is
        tracked under the university's name: an object "its ... campus" whose noun is a head
        noun of the claim's own names is the tracked subject, not another thing."""
        if tokens[h.end].key not in ("its", "their"):
            return False
        heads: set[str] = set()
        for claim in m.claims:
            heads |= self._heads_of.get(claim, frozenset())
        for t in tokens[h.end + 1 : h.end + 1 + OWN_OBJECT_WORDS]:
            if not t.is_word:
                return False
            if t.key in heads:
                return True
        return False

    # --- attaching --------------------------------------------------------------------------

    def _attach(
        self,
        h: _Hit,
        cue: _Cue,
        mentions: list[_Mention],
        hits: list[_Hit],
        clause_of: list[int],
        tokens: list[Token],
    ) -> tuple[list[_Mention], list[str]]:
        clause = clause_of[h.start]
        best: tuple[int, int, _Mention] | None = None
        for m in mentions:
            if not m.claims:
                continue
            if m.clause != clause and (m.listed_from < 0 or clause_of[m.listed_from] != clause):
                continue  # (a listed place's name starts in the cue's clause: "in two cities: X")
            if m.end < len(tokens) and tokens[m.end].key in ABOUT_NOUNS and h.start != m.end:
                continue  # "released the K5 trailer", "revealed K5 tour dates": the trailer did
                # (unless that noun opens the cue itself: "K5 price hike")
            if (
                m.end < len(tokens)
                and tokens[m.end].key in FEATURE_NOUNS
                and not any(FEATURE_NOUNS & self._own_words[c] for c in m.claims)
            ):
                continue  # "a new K5 feature was cancelled": the feature was, unless it is one
            if m.listed_from >= 0:
                if not m.listed_from <= h.start < h.end <= m.start:
                    continue  # a place in a list takes only the verb of its own name
                d, side = 0, 0  # "Acme launched in Chad and Norway": between the name's parts
            elif m.end <= h.start:
                if cue.active:
                    continue  # "the K4 is killing off its twin": the mention is the agent
                if h.premises and any(
                    o.start >= h.end and o.claims and _an_example_of_the_object(h, o, tokens)
                    for o in mentions
                ):
                    continue  # "Acme shut 40 stores, including the Oslo one": that one shut
                if tokens[h.end - 1].key == "of" and not (
                    h.end - h.start > 2 and tokens[h.end - 2].key in PARTICLES
                ):
                    continue  # "the launch of" names what follows it ("pulls out of" does not)
                if (
                    h.end < len(tokens)
                    and _an_object_follows(h.end, tokens)
                    and h.start - _group_end(m, mentions) <= 2
                    and _verb_cue(h, tokens)
                    and not h.gap
                    and not self._its_own(h, m, tokens)
                ):
                    continue  # "the plant opened a visitor centre": it did the opening
                if _an_object_noun_follows(h, tokens):
                    continue  # "Swept Away reveals full cast": the cast is what was revealed
                if (
                    h.start - m.end <= 2
                    and _verb_cue(h, tokens)
                    and not _passive(h, tokens)
                    and not h.gap
                    and any(
                        o is not m and o.claims and o.clause == clause and 0 <= o.start - h.end <= 2
                        for o in mentions
                    )
                ):
                    continue  # "Threads launches direct messages": the messages are launched
                if _people_of(m, tokens) and (
                    tokens[h.start].key in VERB_HELPERS
                    or tokens[h.start].key in ("can", "could")
                    or _verb_cue(h, tokens)
                ):
                    continue  # "owners of the K5 can now use the network": the owners can
                if _attributive(h, tokens) or _hyphened_before_a_noun(h, tokens):
                    continue  # "better than currently approved vaccines": it names other ones
                if m.end < h.start and _a_count(tokens[h.start - 1], tokens[h.start]):
                    continue  # "layoffs at the K4 plant, with 73 announced": the 73 were
                if (
                    tokens[h.start].key in AUXILIARIES or _passive(h, tokens)
                ) and _modifies_another_noun(m, tokens):
                    continue  # "test results for the K4 were released": results, not the K4
                if _a_new_subject_between(m, h, tokens):
                    continue  # "near the K5 plant, the tanker has arrived": the tanker has
                if _in_a_relative_clause(m, mentions, tokens):
                    continue  # "investors who backed the K5 went out of business": the investors
                if m.end < h.start and _owner_of_another_noun(m, tokens):
                    continue  # "the K4's test campaign came to an end": the campaign did
                d, side = h.start - m.end, 0
                if d > BEFORE_WINDOW:
                    resumes = _after_relative_clause(m.end, tokens)
                    if h.start - resumes <= BEFORE_WINDOW and resumes <= h.start:
                        d = h.start - resumes  # "the K5, which ... for six years, was shelved"
                    elif not _second_predicate(m, h, tokens):
                        continue
                if m.via and h.start - _past_aside(m.end, tokens) > ANAPHOR_WINDOW:
                    continue  # "the site ..., and comes weeks after the regulator accepted ..."
            elif m.start >= h.end:
                reach = self._object_distance(h, cue, m, mentions, tokens, clause)
                if reach is None:
                    continue
                d, side = reach, 1
            else:
                d, side = 0, 0  # a cue inside a mention span cannot happen (separate passes)
            if best is None or (d, side, m.listed_from < 0) < (*best[:2], best[2].listed_from < 0):
                best = (d, side, m)  # (at a tie, a place named with its verb: "X approved in Y")
        later = _followed_by(h, mentions, tokens, clause)
        if best is None and later:
            return later, [f"{later[0].text!r} follows it ('followed by')"]
        if best is None:
            headed = _headline_label(h, mentions, tokens, clause_of)
            if headed is None:
                return [], ["no mention of a tracked claim within reach in this clause"]
            best = (0, 0, headed)
        d, _, chosen = best
        lo, hi = (chosen.end, h.start) if chosen.end <= h.start else (h.end, chosen.start)
        for other in hits:
            if "other_brands" in other.kinds and clause_of[other.start] == clause:
                between = lo <= other.start < hi
                closer = other.end <= h.start and h.start - other.end <= d
                if between or closer:
                    return [], [f"experiencer: another maker ({other.text!r}) is the subject"]
        if chosen.note:
            return [], [f"mention {chosen.text!r} is a {chosen.note}"]
        group = [m for m in mentions if m.group == chosen.group and m.claims and not m.note]
        group += [m for m in later if m not in group]
        why = [f"attached to nearest mention {chosen.text!r} ({d} words away)"]
        if len(group) > 1:
            why.append("coordination shares the cue: " + ", ".join(repr(m.text) for m in group))
        return group, why

    # --- deciding ---------------------------------------------------------------------------

    def _verdict(
        self,
        claim: Claim,
        cue: _Cue,
        h: _Hit,
        qual: dict[str, str],
        reported: list[str],
        official: list[str],
        timings: list[Timing],
        tokens: list[Token],
        clause_of: list[int],
        pub_key: str,
        sentence: str,
        mention_span: tuple[int, int] = (0, 0),
    ) -> _Candidate:
        why: list[str] = []
        cand = _Candidate(claim.id, None, 0.0, why, evidence=sentence)
        if tokens[h.start].key == "approval" and any(
            t.key in REQUESTS for t in tokens[max(0, h.start - 3) : h.start]
        ):
            why.append(f"{h.text!r} asked for or aimed at, not given")
            return cand  # "filed for approval of the K5", "a target for FDA approval of"
        if cue.active and _handed_on(h, mention_span, tokens):
            why.append(f"{h.text!r} ... to: handed on, not passed into law")
            return cand
        if cue.kind == "timing":
            status: str | None = None
            confidence = TIMING_CONFIDENCE
            why.append(f"timing cue {h.text!r}")
        else:
            assert cue.status is not None
            entry = self.lexicon.statuses[cue.status]
            status = _family(cue.status, claim.status)
            if (
                status == "discontinued"
                and claim.status == "launched"
                and cue.status == "cancelled"
                and any(t.key.startswith("cancel") for t in tokens[h.start : h.end])
            ):
                # "Spotify cancels the show": what is cancelled is what was still to come of it
                # (its next seasons); it was not withdrawn ("axed", "scrapped": discontinued)
                status = "cancelled"
            if status == "launched" and _a_debut_at_a_place(h, tokens):
                status = "revealed"  # "debuted in Oslo": shown at a place, not on sale
            if (
                status in LAST_ONE_STAGES
                and _the_last_one(mention_span, tokens)
                and not any(t.key in RETURN_WORDS for t in tokens[h.start : h.end])
            ):
                status = "discontinued"  # "the final K4 rolled off the line"
                why.append("the last one of its kind -> discontinued")
            if (
                status in LAST_ONE_STAGES
                and claim.status in EXISTING
                and _a_later_one(mention_span, tokens)
            ):
                # "handed over the seventh Skua-class ferry": a series already running goes on
                why.append("a later one of a series already running -> nothing new")
                return cand
            if status in ("ending", "discontinued") and self._a_local_exit(h, claim, tokens):
                # "Zapp pulled out of Bristol": it left one place, not its own market
                why.append(f"an exit from a place not in {claim.id}'s names -> no change")
                return cand
            if status in ("discontinued", "launched") and _a_transfer(h, tokens):
                # "completed the sale of the K4 business": a sale ends the seller's part only
                # where it was being exited; what is sold may go on under its buyer
                if claim.status == "ending":
                    status = "discontinued"
                    why.append(f"a transfer ({h.text!r}) completes the exit -> discontinued")
                elif status == "discontinued":
                    why.append(f"a transfer ({h.text!r}) ends only a claim being exited")
                    return cand
            if (
                status == "launched"
                and claim.status == "in-production"
                and any(t.key in OPERATION_WORDS for t in tokens[h.start : h.end])
            ):
                # "the plant began operations": for a site already producing, its operations
                # are its production, not a launch of something new
                why.append(f"{h.text!r}: operations of what is in production -> nothing new")
                return cand
            if (
                status == "approved"
                and claim.status == "in-development"
                and any(t.key in INVESTMENT_WORDS for t in tokens[h.start : h.end])
            ):
                # "made FID on the terminal": the decision to build what is already being
                # built is told again, it is not a new step
                why.append(f"{h.text!r}: the decision to build what is being built -> nothing new")
                return cand
            if h.premises:
                own = self._own_words.get(claim.id, frozenset())
                if mention_span[0] < h.start and not any(
                    t.key in WHOLE_WORDS or (t.key in own and _a_count(t, t))
                    for t in tokens[h.start : h.end]
                ):  # (all its stores, or the count its own name holds: "27 stores closing")
                    # "Brisk closed 20 stores": some of its places, not the subject itself
                    why.append(f"{h.text!r}: some of its places close, not all of them")
                    return cand
                if _for_a_while(mention_span[1], tokens):
                    why.append("closed for a while, not for good")  # "for two days"
                    return cand
            if status == "discontinued" and h.start > 0 and tokens[h.start - 1].key == "being":
                status = "ending"  # "the K4 is being discontinued": on its way out, not gone
                why.append("in progress ('being') -> ending")
            if status == "ending" and _after_a_run(h, tokens, clause_of):
                status = "discontinued"  # "ends print publication after 170 years": it is over
                why.append("the length of its run is told ('after ... years') -> discontinued")
            if status == "discontinued" and claim.status == "ending":
                # "shuttered 255 locations", "255 Nordmart stores closed for good": some of
                # them, while the rest wind down
                count = _counted_part(h, tokens, mention_span)
                example = any(
                    t.key in ("including", "like", "such") for t in tokens[h.end : mention_span[0]]
                )  # "shut 40 stores, including the Oslo one": that one is shut
                if count and not example and count.lower() not in self._own_words.get(claim.id, ()):
                    # (a count the claim's own words hold is the whole: "27 stores closing")
                    why.append(f"a part ({count}) of what is ending, not its end")
                    return cand
            if status is None:
                why.append(
                    f"cue {h.text!r} ({cue.status}) does not apply to a {claim.status} claim"
                )
                return cand
            if status != cue.status:
                why.append(f"cue {h.text!r} ({cue.status}) read as {status} for this claim")
            else:
                why.append(f"cue {h.text!r} -> {status}")
            confidence = entry.confidence
            if cue.kind == "weak":
                confidence = min(confidence, WEAK_CONFIDENCE)
                why.append("weak cue")
        for key in ("question", "hypothetical", "opinion", "historical", "delay"):
            if key in qual:
                why.append(f"{key}: {qual[key]} -> says nothing of the status")
                return cand
        if cue.kind != "timing":
            past = _past_timing(h, timings, tokens, clause_of, (claim.source.published or "")[:4])
            if past:
                why.append(f"dated {past}, before the baseline's article -> already known")
                return cand
            event = (
                _event_between(h, tokens, mention_span)
                if cue.status in ("confirmed", "revealed")
                and claim.status not in BEFORE_ANNOUNCEMENT
                else ""
            )
            if (
                not event
                and cue.status == "confirmed"
                and claim.status not in BEFORE_ANNOUNCEMENT
                and (_reports_a_clause(h, tokens) or _an_attribution(h, tokens))
            ):
                # "announced that its new stadium will feature a name": news about a subject
                # already official is what the clause says, not a confirmation
                why.append("announces a clause about a subject already official")
                return cand
            if event:
                why.append(f"what is confirmed or shown is its {event!r}, not the subject")
                value = _nearest_timing(h, timings, tokens, clause_of)
                if value is not None and not consistent(value.value, claim.value):
                    # "the March 3 opening of the X is confirmed": a date, like a timing cue
                    cand.value, cand.confidence = value.value, TIMING_CONFIDENCE
                    why.append(f"timing {sentence[value.start : value.end]!r} -> {value.value}")
                return cand
        if cue.kind != "timing":
            entry = self.lexicon.statuses[cue.status or ""]
            if "negation" in qual:
                status = (
                    self.lexicon.statuses[status or ""].negated
                    if status in self.lexicon.statuses
                    else None
                )
                confidence *= NEGATION_FACTOR
                if (
                    status == "unapproved"
                    and claim.status in BEFORE_DECISION
                    and any(w in qual["negation"].lower() for w in ("yet", "still"))
                ):
                    status = None  # "still not approved" of a drug in trials: nothing new
                why.append(f"negated by {qual['negation']} -> {status or 'nothing'}")
                if status is None:
                    return _no_status(cand)
            elif cue.status not in CORROBORATION_ONLY:
                future = qual.get("future") or _future_timing(
                    entry.stage, h, timings, tokens, clause_of, pub_key
                )
                if future:
                    mapped = self.lexicon.statuses[status or ""].future if status else None
                    if status in EXISTING and cue.status == "cancelled":
                        mapped = "ending"
                    why.append(f"future or planned ({future}) -> {mapped or 'stage not reached'}")
                    status = mapped
                    if status is None:
                        return _no_status(cand)
        if (
            status == "cancelled"
            and h.end - h.start == 1
            and tokens[h.start].key in HALTS
            and not self._by_its_owner(h, tokens)
        ):
            why.append(f"{h.text!r} not by its owner: stopped for now, not given up")
            return _no_status(cand)
        if "hedge" in qual:
            confidence *= HEDGE_FACTOR
            why.append(f"hedged by {qual['hedge']}")
        needs_official = (
            cue.kind != "timing" and self.lexicon.statuses[cue.status or ""].needs_official
        )
        if needs_official and not official:
            before, by = self._company_agent(h, tokens)
            if before:
                official = [f"{tokens[h.start - 1].text} {h.text}".strip()]
            elif by:
                official = [f"{h.text} by ... {tokens[h.end + 1].text}"]  # the passive's agent
        if reported and not (needs_official and official):
            if needs_official and status == "confirmed":
                confidence *= UNOFFICIAL_CONFIRM_FACTOR
                why.append(f"unofficial attribution ({reported[0]!r}) cannot confirm")
            else:
                confidence *= REPORTED_FACTOR
                why.append(f"reported speech ({reported[0]!r}): less certain")
        elif official:
            why.append(f"official attribution ({official[0]!r})")
        if status is not None and status != claim.status:
            cur_rank, new_rank = lifecycle_rank(claim.status), lifecycle_rank(status)
            if (
                cur_rank is not None
                and new_rank is not None
                and new_rank < cur_rank
                and not (
                    status == "in-development"
                    and claim.status in DECIDED
                    and not any(t.key in DEVELOPMENT_STATE for t in tokens[h.start : h.end])
                )
                and not (status == "approved" and claim.status == "confirmed")
                and not any(t.key in COMEBACK_WORDS for t in tokens[h.start : h.end])
            ):
                # (work starting after a decision, "construction began" of an approved or
                # confirmed project, goes forward, whatever order a product's life puts them in;
                # so does an approval after an announcement: a road, a drug, a merger or a law
                # is announced first and approved later; a comeback, "back into service", says
                # the step back itself)
                confidence *= BACKWARD_FACTOR
                why.append(f"step backwards from {claim.status}: needs more than this")
            if status in TERMINAL and (cue.kind == "weak" or "hedge" in qual):
                confidence *= BACKWARD_FACTOR
                why.append(f"{status} needs an explicit, unhedged cue")
        if (status == "ending" and claim.status in TERMINAL) or (
            status == "discontinued" and claim.status == "cancelled"
        ):
            # "X is winding down" of a plan already dropped or a thing already gone, "X shut"
            # of a plan dropped before it was built: its end was told before
            why.append(f"an end of a subject already {claim.status}: nothing new")
            status = claim.status
        cand.status = status
        cand.confidence = min(confidence, 0.99)
        value = _nearest_timing(h, timings, tokens, clause_of)
        if (
            value is not None
            and value.year_assumed
            and cue.kind == "status"  # "delayed until January" points forward
            and self.lexicon.statuses[cue.status or ""].stage  # "is confirmed for March": a plan
            and pub_key
            and _past_tense(h, tokens)
        ):
            value = _in_the_past(value, pub_key)
        if value is not None and not consistent(value.value, claim.value):
            cand.value = value.value
            why.append(f"timing {sentence[value.start : value.end]!r} -> {value.value}")
        return cand


# --- helpers -------------------------------------------------------------------------------


DENIED_CONFIDENCE = 0.45


def _whole_phrases(phrases: Sequence[str]) -> re.Pattern[str] | None:
    """Phrases as whole words, any whitespace between them, on lower-cased folded text."""
    alts = sorted(
        (r"\s+".join(re.escape(w) for w in fold_accents(p).lower().split()) for p in phrases),
        key=len,
        reverse=True,
    )
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b") if alts else None


def _is_change(cand: _Candidate, claims: Mapping[str, Claim]) -> bool:
    claim = claims.get(cand.claim)
    return cand.status is not None and claim is not None and cand.status != claim.status


def _denied(cand: _Candidate, claims: Mapping[str, Claim], denial: str) -> _Candidate:
    """A change the same report denies is only suspected (a denial of a rumour corroborates
    nothing either): the confidence drops below any sensible threshold."""
    if not _is_change(cand, claims) or cand.confidence <= DENIED_CONFIDENCE:
        return cand
    return replace(
        cand,
        confidence=DENIED_CONFIDENCE,
        why=[*cand.why, f"the report carries a denial ('{denial}'): only suspected"],
    )


def _no_status(cand: _Candidate) -> _Candidate:
    cand.status = None
    cand.confidence = 0.0
    return cand


def _family(cue_status: str, claim_status: str) -> str | None:
    """Goals have their own statuses; a cancellation of a goal is a revision, of a model in
    production its discontinuation."""
    if claim_status in TARGET_STATUSES:
        if cue_status in TARGET_STATUSES:
            return cue_status
        return "revised" if cue_status == "cancelled" else None
    if cue_status in TARGET_STATUSES:
        return None
    if cue_status == "cancelled" and claim_status in EXISTING:
        return "discontinued"
    if cue_status == "unknown":
        return None
    return cue_status


def _merge(a: _Candidate, b: _Candidate, claims: Mapping[str, Claim]) -> _Candidate:
    """The stronger reading of one claim; a value found by either survives."""
    current = claims[a.claim].status if a.claim in claims else None

    def rank(c: _Candidate) -> tuple[int, int, float, int]:
        confident = c.status is not None and c.confidence >= DEFAULT_THRESHOLD
        # of two sure readings, the further stage: "a newly approved drug hit the market" is on
        # the market; "shown in March, since cancelled" is cancelled
        stage = -1
        if confident and c.status is not None:
            stage = 99 if c.status in TERMINAL else (lifecycle_rank(c.status) or -1)
        return (
            2 if confident else (1 if c.status is not None else 0),
            stage,
            c.confidence,
            1 if c.status != current else 0,
        )

    win, lose = (a, b) if rank(a) >= rank(b) else (b, a)
    if (
        lose.value is not None
        and lose.confidence >= DEFAULT_THRESHOLD
        and (
            win.value is None
            or (win.value[:4] == lose.value[:4] and len(lose.value) > len(win.value))
        )
    ):
        win.value = lose.value  # "2029" and "the first half of 2029": 2029-H1
    return win


def _tail_index(payloads: tuple[tuple[str, object], ...]) -> dict[str, list[tuple[int, str]]]:
    """For a match holding gapped cues: each tail's first letter -> (the payload's place, the
    tail's joined key); empty when it holds none."""
    index: dict[str, list[tuple[int, str]]] = {}
    for k, (kind, payload) in enumerate(payloads):
        if kind == "cue" and isinstance(payload, _Cue) and payload.tail is not None:
            index.setdefault(payload.tail[:1], []).append((k, payload.tail))
    return index


def _all_gapped(payloads: tuple[tuple[str, object], ...]) -> bool:
    """Is every payload of a match a gapped cue (no plain cue or word list shares its head)?"""
    return all(isinstance(p, _Cue) and p.tail is not None for _, p in payloads)


def _between_capitals(tokens: list[Token], i: int) -> bool:
    return (
        0 < i < len(tokens) - 1
        and tokens[i - 1].text[:1].isupper()
        and tokens[i + 1].text[:1].isupper()
    )


def _without_split_names(mentions: list[_Mention], hits: list[_Hit]) -> list[_Mention]:
    """A name's words gathered across a status verb ("Acme launched a classic speaker" for "Acme
    Classic") are a sentence about the name's parts, not the name."""
    out: list[_Mention] = []
    for m in mentions:
        if (
            m.soft
            and not m.relational  # "Acme launches in Norway" is "Acme in Norway" launching
            and any(
                m.start < h.start and h.end < m.end and any(c.kind == "status" for c in h.cues)
                for h in hits
            )
        ):
            out.extend(m.replaced)
        else:
            out.append(m)
    return out


def _outside_mentions(
    hits: list[_Hit], mentions: list[_Mention], tokens: list[Token]
) -> list[_Hit]:
    """Words inside a model name are not cues ("coupe prototype", "Final Edition" of a name)."""
    spans = [(m.start, m.end) for m in mentions if (m.claims or m.blocked) and not m.soft]

    def clashes(h: _Hit) -> bool:
        for s, e in spans:
            if s < h.end and h.start < e and not (h.gap and h.gap[0] <= s and e <= h.gap[1]):
                return True
        return False

    out: list[_Hit] = []
    for h in hits:
        if not clashes(h):
            out.append(h)
        elif h.gap is not None and any(h.gap[0] <= s < h.end <= e for s, e in spans):
            # "shuts York city centre bar" where the name is "York city centre bar": the
            # tail is the name's own last word; the verb before it takes the name
            head = replace(h, end=h.gap[0], gap=None)
            head.text = " ".join(t.text for t in tokens[h.start : h.gap[0]])
            if not clashes(head):
                out.append(head)
    return out


def _clauses(
    tokens: list[Token], hits: list[_Hit], mentions: list[_Mention], sentence: str
) -> list[int]:
    starts: set[int] = set()
    kept: list[tuple[int, int]] = []  # from a name's end to its relative pronoun
    named_up_to: set[int] | None = None
    asides = _aside_commas(tokens) if ", " in sentence else set()
    for h in hits:
        if "terminators" in h.kinds and not h.cues:
            if h.start - 1 in asides:
                continue  # "the K5, however, was cancelled": an aside, no new clause
            if tokens[h.start].key in RELATIVE_PRONOUNS:
                if named_up_to is None:
                    named_up_to = {m.end for m in mentions if m.claims}
                named = _relative_of(h, tokens, named_up_to)
                if named is not None:
                    kept.append((named, h.start))
                    continue
            starts.add(h.start)
    if kept:
        starts = {i for i in starts if not any(a <= i <= b for a, b in kept)}
    parenthetical: set[int] = set()
    if " - " in sentence:
        parenthetical |= _dash_pairs(tokens)
    if ":" in sentence:
        parenthetical |= _title_colons(tokens, mentions)
    parenthetical |= asides
    # A fronted adverbial clause ("Weeks after it was shelved, the K6 ...") ends at its comma.
    for i, t in enumerate(tokens[:FRONTED_WITHIN]):
        if t.key == ",":
            break
        if t.key in FRONTED:
            comma = next((j for j in range(i + 2, len(tokens)) if tokens[j].key == ","), None)
            if comma is not None:
                starts.add(comma)
            break
    out: list[int] = []
    clause = 0
    if parenthetical:
        for i, t in enumerate(tokens):
            if (t.key in CLAUSE_PUNCT and i not in parenthetical) or i in starts:
                clause += 1
            out.append(clause)
        return out
    for i, t in enumerate(tokens):
        if t.key in CLAUSE_PUNCT or i in starts:
            clause += 1
        out.append(clause)
    return out


# Words set off by commas inside a clause: "the K5, meanwhile, was cancelled".
ASIDE_ADVERBS = frozenset(
    ("meanwhile", "however", "too", "though", "also", "moreover", "furthermore", "likewise")
    + ("similarly", "instead", "nonetheless", "nevertheless", "finally", "reportedly")
    + ("apparently", "ultimately", "eventually", "meantime", "indeed", "now", "then")
)


def _aside_commas(tokens: list[Token]) -> set[int]:
    """The commas around an aside of one word ("meanwhile", "however", "in the meantime" is
    not one): they split no clause."""
    out: set[int] = set()
    for i in range(len(tokens) - 2):
        if (
            tokens[i].key == ","
            and tokens[i + 1].key in ASIDE_ADVERBS
            and tokens[i + 2].key == ","
            and i > 0
        ):
            out.update((i, i + 2))
    return out


# Nouns whose "of"/"for" phrase still names what a verb after them is about ("the launch of the
# K4 was delayed", "production of the K4 has ended"): the events and parts of a tracked subject.
EVENT_HEADS = frozenset(
    ("launch", "launches", "release", "opening", "debut", "rollout", "arrival", "approval")
    + ("production", "construction", "development", "delivery", "deliveries", "sale", "sales")
    + ("start", "end", "cancellation", "work", "plan", "plans", "program", "programme")
    + ("project", "version", "versions", "model", "models", "variant", "variants", "unit")
    + ("units", "examples", "shipments", "rest", "first", "last", "start-up", "restart")
    + ("testing", "tests", "flight", "flights", "service", "operation", "operations", "line")
    + ("generation", "edition", "editions", "premiere", "opening", "debut", "rollout")
    + ("deployment", "deployments", "building", "installation", "expansion", "reopening")
    + ("date", "dates")  # "announced the release date for the K5": the K5's own date
    + ("closure", "completion", "commissioning", "return", "resumption")
    + ("application", "applications", "request", "bid", "filing", "licence", "license")
    + ("permit", "approval", "certification")
)
MODIFIER_PREPOSITIONS = frozenset(
    {"for", "of", "about", "from", "on", "to", "near", "into", "along", "around", "beside", "over"}
)
# A cue that opens with its auxiliary ("was released", "have been cut") takes the noun just
# before it as its subject.
AUXILIARIES = frozenset({"was", "were", "is", "are", "has", "have", "had", "will", "would"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "that"})


WHOLE_WORDS = frozenset({"all", "last", "remaining", "every", "final"})  # "closed all 800 stores"


def _counted_part(h: _Hit, tokens: list[Token], mention_span: tuple[int, int]) -> str:
    """The count that makes an ending cue speak of a part: right after the cue ("closed 40
    stores") or right before the name ("40 Nordmart stores closed"), unless the cue or the words
    before the count say it is the whole ("closed all 800", "the remaining 40")."""
    if h.end < len(tokens) and _a_count(tokens[h.end], tokens[h.end]):
        count = h.end
    elif h.gap is not None and _a_count(tokens[h.gap[0]], tokens[h.gap[0]]):
        count = h.gap[0]  # "closed 255 stores": the count inside the gapped cue
    elif mention_span[0] > 0 and _a_count(tokens[mention_span[0] - 1], tokens[mention_span[0]]):
        count = mention_span[0] - 1
    else:
        return ""
    whole = [*tokens[h.start : h.end], *tokens[max(0, count - 2) : count]]
    return "" if any(t.key in WHOLE_WORDS for t in whole) else tokens[count].text


def _a_count(t: Token, cue: Token) -> bool:
    """A number that is not a year ("73", "1,200"); before a verb (`cue` the token after it),
    what the verb speaks of."""
    digits = t.key.replace(",", "")
    return (
        digits.isdigit()
        and not (len(digits) == 4 and digits[:2] in ("19", "20"))
        and cue.key not in ("percent", "per")  # "70 percent complete": a share, not a count
        and (cue is t or cue.start - t.end == 1)  # "(Figure 1) was cleared": no count
    )


OBJECT_OPENERS = frozenset({"a", "an", "its", "their", "his", "her"})
# Nouns a name may modify that are news about it, not it: "the K5 trailer was released".
ABOUT_NOUNS = frozenset(
    ("trailer", "trailers", "teaser", "teasers", "dates", "date", "details", "photos", "images")
    + ("pictures", "video", "videos", "footage", "specs", "specifications", "price", "prices")
    + ("pricing", "poster", "posters", "lineup", "schedule", "figures", "results", "review")
    + ("reviews", "rumours", "rumors", "leak", "leaks", "script", "scripts", "soundtrack")
    + ("trial", "trials", "pilot", "pilots", "study", "studies")  # "the K5 trial was halted"
    + ("consultation", "consultations", "inquiry", "investigation")
    + ("gig", "gigs", "concert", "concerts")  # "cancels her Harbour Hall gig": the gig is
)
FEATURE_NOUNS = frozenset(("feature", "features"))
# Verbs that grow what they take: a plan "to expand the plant" is the expansion's, not the plant's.
GROWTH_VERBS = frozenset({"expand", "extend", "enlarge", "upgrade", "widen", "renovate", "double"})
# Things a verb may show or release about a subject, named right after the verb: the subject
# before the verb is then its agent ("Swept Away reveals full cast", "X unveils progress report").
OBJECT_NOUNS = ABOUT_NOUNS | frozenset(
    ("cast", "information", "report", "plans", "plan", "roadmap", "logo")
)
# After "the", words that make a time, not an object: "launched the same day", "the next week".
CALENDAR_UNITS = frozenset(("day", "days", "week", "weeks", "month", "months", "year", "years"))
TIME_AFTER_THE = frozenset(
    ("same", "following", "next", "previous", "first", "last", "day", "week", "month", "year")
    + ("weekend", "morning", "evening", "night")
)


def _a_span_of_time(i: int, tokens: list[Token]) -> bool:
    """ "a week", "a few weeks", "a couple of years" at `i`: a time, not a thing."""
    if tokens[i].key not in ("a", "an"):
        return False
    after = [t.key for t in tokens[i + 1 : i + 4]]
    while after and after[0] in ("few", "couple", "of"):
        after.pop(0)
    return bool(after) and after[0] in TIME_NOUNS


def _an_object_follows(i: int, tokens: list[Token]) -> bool:
    """ "opened a visitor centre", "released the details of": a verb followed by its object
    (not a time: "launched the same day")."""
    if tokens[i].key in OBJECT_OPENERS:
        return not _a_span_of_time(i, tokens)  # "opened a few weeks ago": a time
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        tokens[i].key == "the"
        and nxt is not None
        and nxt.is_word
        # "the details", "the 2026 season", "the Caribbean season" (a capital is a name's in
        # running text, not in a headline's title case: "Kicks Off The Summer")
        and (nxt.text.islower() or nxt.key.isdigit() or tokens[i - 1].text.islower())
        and (nxt.key not in TIME_AFTER_THE or _an_ordinal_before_a_thing(i + 1, tokens))
    )


# the words after "the first"/"the same" that make it a time: TIME_AFTER_THE's and a few more
TIME_NOUNS = TIME_AFTER_THE | CALENDAR_UNITS | frozenset(("time", "quarter", "half"))


def _an_ordinal_before_a_thing(i: int, tokens: list[Token]) -> bool:
    """ "wrapped up the first phase": an ordinal before a noun that is not a time ("launched the
    first day", "the next morning") starts the verb's object."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        tokens[i].key in ("first", "last", "next", "previous", "following", "same")
        and nxt is not None
        and nxt.is_word
        and nxt.text.islower()
        and nxt.key not in TIME_NOUNS
    )


WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
# Words that open another clause between a verb and a name after it.
CLAUSE_OPENERS = frozenset(
    ("where", "which", "who", "whose", "as", "while", "because", "although", "though", "until")
    + ("whereas", "unless", "if")
)


def _verb_cue(h: _Hit, tokens: list[Token]) -> bool:
    """A cue that ends in a verb taking an object ("unveiled", "launches"), not a noun phrase
    ("third launch", "first flight")."""
    last = tokens[h.end - 1].key
    if last in PARTICLES and h.end - 2 >= h.start:
        last = tokens[h.end - 2].key  # a phrasal verb: "wrapped up", "kicks off"
    return last.endswith(("ed", "ing")) or (last.endswith("s") and not last.endswith("ss"))


OWN_OBJECT_WORDS = 3  # "its first Indian campus": words before the object's noun
EXAMPLE_OBJECT_WORDS = 5  # "introduced a number of new features, like ...": the object's words


def _examples_after_a_plural(h: _Hit, tokens: list[Token]) -> bool:
    """ "new features like the K5 app": "like" after a plural noun gives examples, it compares
    nothing."""
    before = tokens[h.start - 1] if h.start > 0 else None
    return (
        tokens[h.start].key == "like"
        and before is not None
        and before.is_word
        and before.text.islower()
        and _plural(before.key)
    )


FOLLOWED_BY_REACH = 12  # "was launched in May 2023, followed by the K6": words from the cue


def _followed_by(
    h: _Hit, mentions: list[_Mention], tokens: list[Token], clause: int
) -> list[_Mention]:
    """ "The K5 was launched in May, followed by the K6 in June": the name after ", followed
    by" had the same thing happen to it, later."""
    end = min(len(tokens) - 1, h.end + FOLLOWED_BY_REACH)
    for i in range(h.end + 1, end):
        if tokens[i].key != "followed":
            continue  # the common case: one comparison a word
        if tokens[i - 1].key == "," and tokens[i + 1].key == "by":
            at = i + 2
            while at < len(tokens) and tokens[at].key in _DETERMINERS:
                at += 1
            return [
                m
                for m in mentions
                if m.start == at and m.claims and not m.note and m.clause == clause
            ]
    return []


def _an_epithet(h: _Hit, m: _Mention, tokens: list[Token]) -> bool:
    """ "the release of the rival K5": "rival" between a determiner and the name describes the
    name itself; it compares it with nothing named here."""
    return (
        h.end == m.start
        and h.end - h.start == 1
        and tokens[h.start].key == "rival"
        and h.start > 0
        and tokens[h.start - 1].key in _DETERMINERS
    )


RELATIVE_REACH = 5  # "a company whose titles include the K5, ...": words back to "whose"


def _in_a_relative_clause(m: _Mention, mentions: list[_Mention], tokens: list[Token]) -> bool:
    """ "investors who backed the K5", "a firm whose brands include the K5, the K6 and ...": a
    name (or a list it belongs to) inside a relative clause is not the subject of the verb after
    it."""
    first = min((o.start for o in mentions if o.group == m.group), default=m.start)
    for i in range(first - 1, max(-1, first - 1 - RELATIVE_REACH), -1):
        key = tokens[i].key
        if key in RELATIVE_PRONOUNS or key == "whose":
            return True
        if key == "," or key in CLAUSE_PUNCT:
            return False
    return False


# "cancelled two projects, namely the K5": words that say the name after them is the example
EXAMPLE_ADVERBS = frozenset(("specifically", "namely", "notably", "particularly", "especially"))


def _an_example_of_the_object(h: _Hit, m: _Mention, tokens: list[Token]) -> bool:
    """ "introduced new products, such as the K5", "cancelled several projects, including the
    K5", "launched two new schemes, the K5 and the K6": a name given as an example of the verb's
    plural object (lower-case words), or as the object itself after a comma or a dash."""
    between = tokens[h.end : m.start]
    if between and between[0].key == "of":
        between = between[1:]  # "the cancellation of two games, the K5 and the K6"
    for k, t in enumerate(between):
        if t.key in ("including", "like", "from") or (k and t.key in (",", "-", ":")):
            marker = 1  # "launched two new schemes, the K5 ... and ...": the names after it
        elif t.key == "such" and k + 1 < len(between) and between[k + 1].key == "as":
            marker = 2
        else:
            continue
        words = [x for x in between[:k] if x.key != ","]
        rest = [x for x in between[k + marker :] if x.key not in EXAMPLE_ADVERBS]
        if words and words[0].key in PLACE_PREPOSITIONS:
            return False  # "was discontinued in several towns, such as Oslo": where, not what
        while words and _a_time_word(words[-1]):
            words.pop()  # "closed 40 stores last year, including ...": the time is no object
        if not words and h.gap is not None and h.end - 1 > h.gap[0]:
            # "shut 40 stores, including ...": the gapped cue holds its plural object
            words = [t for t in tokens[h.gap[0] : h.end] if t.is_word]
        if (
            0 < len(words) <= EXAMPLE_OBJECT_WORDS
            and all(x.is_word and (x.text.islower() or _a_count(x, x)) for x in words)
            and _plural(words[-1].key)
            and all(x.key in _DETERMINERS for x in rest)
            and len(rest) <= 1
        ):
            return True
    return False


TIME_TAIL_WORDS = CALENDAR_UNITS | frozenset(("last", "this", "earlier", "in", "ago", "on"))


def _a_time_word(t: Token) -> bool:
    """A word of a time phrase after an object ("last year", "in July", "in 2025")."""
    return t.key in TIME_TAIL_WORDS or t.key in MONTHS or (len(t.key) == 4 and t.key.isdigit())


# "featuring dropped waists", "a delayed start": a participle after these describes the noun
ATTRIBUTIVE_OPENERS = frozenset(("featuring", "with", "a", "an", "the", "its", "their"))


ATTRIBUTIVE_ORDINALS = frozenset(("first", "second", "third", "last", "only"))


def _attributive(h: _Hit, tokens: list[Token]) -> bool:
    """ "than currently approved vaccines", "the newly launched models": a participle before the
    noun it describes (its adverb before it) says what those things are, not what the name
    before it did."""
    if h.end - h.start != 1 or h.start == 0 or h.end >= len(tokens):
        return False
    before, word, after = tokens[h.start - 1], tokens[h.start], tokens[h.end]
    return (
        word.key.endswith("ed")
        and (
            before.key.endswith("ly")
            or before.key in ATTRIBUTIVE_OPENERS
            or before.key in ATTRIBUTIVE_ORDINALS
        )
        and after.is_word
        # "the first decommissioned U.S. plant": after an ordinal, a name may follow
        and (after.text.islower() or before.key in ATTRIBUTIVE_ORDINALS)
        and after.key not in ANY_PREPOSITION
        and after.key not in _DETERMINERS  # "officially launched its campus": its object
        and after.key not in ("and", "or", "but", "as", "by", "last", "this", "next", "our")
    )


def _an_object_noun_follows(h: _Hit, tokens: list[Token]) -> bool:
    """ "reveals full cast", "unveils progress report": a thing shown or released, named right
    after the verb (a preposition first makes it a time or a place: "handed over on schedule")."""
    after = tokens[h.end : h.end + 2]
    if not after or not after[0].is_word or after[0].key in PREPOSITIONS:
        return False
    return any(t.key in OBJECT_NOUNS for t in after)


PEOPLE_NOUNS = frozenset(
    ("owners", "drivers", "users", "customers", "buyers", "riders", "passengers", "members")
    + ("holders", "fans", "subscribers", "players", "viewers", "residents", "workers")
)


def _people_of(m: _Mention, tokens: list[Token]) -> bool:
    """ "owners of the K5", "fans of the K5 show": people the name only qualifies."""
    i = m.start - 1
    if i >= 0 and tokens[i].key in _DETERMINERS:
        i -= 1
    return i >= 1 and tokens[i].key == "of" and tokens[i - 1].key in PEOPLE_NOUNS


def _before_its_noun(o: _Hit, tokens: list[Token]) -> bool:
    """ "scrap planned 600MW expansion": a participle before the noun it describes, not a plan
    told of the verb before it ("first launch planned for July")."""
    nxt = tokens[o.end] if o.end < len(tokens) else None
    return (
        nxt is not None
        and nxt.is_word
        and nxt.key not in ANY_PREPOSITION
        and nxt.key not in ("by", "until", "as", "and", "or", "but")
        and nxt.key not in ("next", "this", "later", "soon", "early", "late", "mid", "within")
        and nxt.key not in MONTHS
        and nxt.key not in WEEKDAYS
        and not (nxt.key.isdigit() and len(nxt.key) == 4)  # "expected next year", "planned 2027"
    )


def _plural(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


PARTICLES = frozenset({"up", "off", "out", "down", "over"})
# Statuses whose cues are sayings: "confirmed that the K5 will ..." tells of the K5.
SAYING_STATUSES = frozenset({"rumored", "expected", "confirmed", "stated", "revised"})


def _object_before(h: _Hit, m: _Mention, tokens: list[Token]) -> bool:
    """ "unveiled the price of the K5", "approved a bonus for the K5 team": the verb's object is
    the noun before the preposition, unless it is one of the subject's events or parts ("the
    launch of", "production of")."""
    between = tokens[h.end : m.start]
    for k, t in enumerate(between):
        if t.key in MODIFIER_PREPOSITIONS and k > 0:
            head = between[k - 1]
            if head.key in PART_NOUNS:
                return True  # "Wraps Up Second Stage Of K5 Certification", in any case
            return (
                head.is_word
                and head.text.islower()  # a common noun; "approved Omvoh for ..." names
                and head.key not in EVENT_HEADS
                and head.key not in _DETERMINERS
                and not (t.key == "of" and head.key in PARTITIVES)  # "all of its clinics"
            )
        if not t.is_word:
            break
    return _owner_of_another_noun(m, tokens)


# Words that take part of what follows "of" ("closed all of its clinics", "some of the K5s").
PARTITIVES = frozenset(("all", "both", "each", "most", "many", "several", "some", "any"))


def _owner_of_another_noun(m: _Mention, tokens: list[Token]) -> bool:
    """ "the K4's test campaign", "Acme K4's maker": a possessive name followed by a noun that
    is not one of its events or parts is the owner; the verb after speaks of the noun."""
    if not tokens[m.end - 1].key.endswith("'s") and tokens[m.end - 1].key != "'s":
        return False
    nxt = tokens[m.end] if m.end < len(tokens) else None
    return (
        nxt is not None
        and nxt.is_word
        and nxt.text.islower()
        and nxt.key not in EVENT_HEADS
        and nxt.key not in NOT_A_NOUN
    )


# Leaving a market: what follows is the place left.
EXIT_CUES = frozenset(
    ("pullsoutof", "pulledoutof", "ispullingoutof", "arepullingoutof", "exits", "exited")
    + ("willquit", "toquit", "iswithdrawingfrom", "arewithdrawingfrom", "isexiting", "areexiting")
)

# a change of owner: it ends a business only for the seller that was leaving it
TRANSFER_WORDS = frozenset(("sale", "acquisition", "divestment", "divestiture", "deal"))


PASSING = frozenset(("pass", "passes", "passed"))
REQUESTS = frozenset(
    ("for", "seek", "seeks", "seeking", "sought", "awaiting", "awaits", "await", "pending")
    + ("request", "requests", "requested", "requesting", "without", "no", "need", "needs")
    + ("toward", "towards", "expedite", "expedites", "expediting", "target", "targets")
    + ("support", "supports", "supportive", "recommend", "recommends", "recommended")
)


def _handed_on(h: _Hit, span: tuple[int, int], tokens: list[Token]) -> bool:
    """ "passed the K5 to a partner", "the storm passed before the K5 show": a "pass" that
    does not take the subject as its direct object, or hands it to someone, passes no law."""
    if tokens[h.end - 1].key not in PASSING:
        return False
    if span[0] < h.end or any(t.key not in _DETERMINERS for t in tokens[h.end : span[0]]):
        return True
    return span[1] < len(tokens) and tokens[span[1]].key == "to"


def _a_transfer(h: _Hit, tokens: list[Token]) -> bool:
    """ "completed the sale of", "completes ... deal": a change of owner."""
    keys = [t.key for t in tokens[h.start : h.end]]
    return keys[-1] == "deal" or any(
        k in TRANSFER_WORDS and nxt in ("of", "for") for k, nxt in zip(keys, keys[1:], strict=False)
    )


OPERATION_WORDS = frozenset(("operation", "operations", "operating", "operational"))
# words of a comeback: what had ended is back ("back into service", "made a comeback")
COMEBACK_WORDS = frozenset(
    ("back", "reactivated", "reactivates", "comeback", "returned", "returns")
)
# an investment decision or a project's financing closed: the commitment to build it
INVESTMENT_WORDS = frozenset(("fid", "fids", "investment", "financial"))
# Places of business a closing verb takes as its object ("closed 40 stores", "shut two plants"):
# their count and the verb stand close, in one phrase.
PREMISES = frozenset(
    ("store", "shop", "bar", "pub", "restaurant", "branch", "site", "location", "venue")
    + ("clinic", "outlet", "plant", "factory", "service")
)
PREMISES_GAP = 3
PREMISES_OPENERS = WHOLE_WORDS | frozenset(("its", "their", "the", "some", "several"))


def _premises_object(gap_start: int, tail_start: int, tokens: list[Token]) -> bool:
    """Is the gap before a place of business its object's opening ("closed 40 stores", "shut
    its York bar", "closes final stores"), not a stretch of other words ("shuts on Saturday,
    with bars") or nothing at all ("from closed c-store": a closed store, described)?"""
    if tail_start == gap_start or tail_start - gap_start > PREMISES_GAP:
        return False
    first = tokens[gap_start]
    return (
        first.key in PREMISES_OPENERS or _a_count(first, first) or first.text[:1].isupper()
    ) and all(t.key != "," for t in tokens[gap_start:tail_start])


def _for_a_while(at: int, tokens: list[Token]) -> bool:
    """ "for two days", "for a week", "for several months" right after `at`."""
    if at >= len(tokens) or tokens[at].key != "for":
        return False
    j = at + 1
    while j < len(tokens) and j <= at + 3 and tokens[j].key not in CALENDAR_UNITS:
        j += 1
    return j < len(tokens) and tokens[j].key in CALENDAR_UNITS


# "is developing", "in development", "in the works": a state a decided subject was already in
# (unlike "construction began", which starts after the decision)
DEVELOPMENT_STATE = frozenset(("development", "developing", "developed", "works"))

# "welcomed its final K4 back": the last one returning completes a return, it ends nothing
RETURN_WORDS = frozenset(("back", "return", "returns", "returned", "returning"))

# A part of a subject's course: what a verb before "stage of the K5 ..." completes or starts.
PART_NOUNS = frozenset(("stage", "stages", "phase", "phases", "step", "steps", "leg", "round"))

# Words after a possessive name that do not start another noun phrase of their own.
NOT_A_NOUN = frozenset(
    ("long-awaited", "new", "latest", "next", "planned", "own", "official", "maiden")
    + ("inaugural", "second", "third", "commercial", "public", "debut", "full", "final")
)


def _modifies_another_noun(m: _Mention, tokens: list[Token]) -> bool:
    """A name after "results for", "a report on", "news about": the subject of a verb phrase
    after it is the noun before the preposition, not the name, unless that noun is its date
    ("the release date of the K5 was revealed": the K5's own news, a timing)."""
    i = m.start - 1
    while i >= 0 and tokens[i].key in _DETERMINERS:
        i -= 1
    if i < 1 or tokens[i].key not in MODIFIER_PREPOSITIONS:
        return False
    head = tokens[i - 1]
    return (
        head.is_word
        and head.key not in EVENT_HEADS
        and head.key not in _DETERMINERS
        and head.key not in ("date", "dates")
    )


RELATIVE_PRONOUNS = frozenset({"which", "who"})
DASH_ASIDE = 8  # words a pair of dashes may hold and still be an aside


ASIDE_WORDS = frozenset({",", "-", "however", "though", "too", "also", "then", "now"})
PREPOSITIONS = frozenset({"at", "in", "on", "of", "for", "from", "to", "with", "by", "near"})
# Either list: a word that opens a phrase of its own, not a noun or its describing word.
ANY_PREPOSITION = PREPOSITIONS | MODIFIER_PREPOSITIONS
APPOSITIVE_OBJECT_WORDS = 8  # words of the description before an appositive name


def _relative_of(h: _Hit, tokens: list[Token], named_up_to: set[int]) -> int | None:
    """A relative clause right after a name speaks of that name ("the K4, which went on sale in
    May, ..."; "the K4, however, which ..."): it stays in the name's clause. The name's end, or
    None."""
    if tokens[h.start].key not in RELATIVE_PRONOUNS or h.end - h.start != 1:
        return None
    i = h.start
    while i > 0 and tokens[i - 1].key in ASIDE_WORDS and h.start - i < 3:
        i -= 1
    if i not in named_up_to and i > 0 and _head_word(tokens[i - 1]):
        i -= 1  # "Acme's K4 lander, which ...": the name's head noun
    return i if i in named_up_to else None


def _head_word(t: Token) -> bool:
    return t.is_word and t.text.islower() and t.key.isalpha() and not t.key.endswith("ed")


SHARED_SUBJECT_WINDOW = 24  # words from a subject to the second verb it shares
PREDICATE_STARTS = frozenset({"is", "are", "was", "were", "has", "have", "had", "will", "now"})


LAST_ONE_STAGES = frozenset({"launched", "in-production"})
LAST_ONE_WORDS = frozenset({"final", "last"})


def _the_last_one(span: tuple[int, int], tokens: list[Token]) -> bool:
    """ "Final K4 launched", "the last K4 was built": the subject's last one, its end."""
    i = span[0] - 1
    if i >= 0 and tokens[i].key in ("the", "its", "their"):
        i -= 1
    return (
        i >= 0
        and tokens[i].key in LAST_ONE_WORDS
        or (span[0] < len(tokens) and tokens[span[0]].key in LAST_ONE_WORDS)
    )


def _a_debut_at_a_place(h: _Hit, tokens: list[Token]) -> bool:
    """ "debuts in Oslo", "made its debut at Expo": a showing where people gather (a place
    named with a capital), not a first day on sale or in service ("debuted in June")."""
    last = tokens[h.end - 1].key
    if "debut" not in last and "premiere" not in last and "introduc" not in last:
        return False
    after = tokens[h.end : h.end + DEBUT_PLACE_REACH]
    for k, t in enumerate(after):
        if t.key in CLAUSE_PUNCT or t.key in MONTHS or t.key in WEEKDAYS or t.key.isdigit():
            return False  # "debuted on Friday (with a show in Oslo)": a first day, told first
        if t.key not in ("in", "at"):
            continue
        words = [w for w in after[k + 1 : k + 4] if w.key not in _DETERMINERS]
        if not words or words[0].key in MONTHS or words[0].key in WEEKDAYS:
            return False  # "debuted in June (at the park)": when it opened
        if after[k + 1].key == "the" and words[0].text.isupper() and len(words[0].text) <= 3:
            return False  # "debuted its fund in the US": a market, not a venue
        return (
            words[0].text[:1].isupper()
            and not words[0].key.isdigit()
            or any(w.key in SHOW_WORDS for w in words)
        )  # "debuted the K5 at a Paris fair"
    return False


DEBUT_PLACE_REACH = 8
SHOW_WORDS = frozenset(
    ("fair", "show", "expo", "exhibition", "festival", "event", "conference", "convention")
)


BE_FORMS = frozenset({"was", "were", "is", "are", "be", "been", "being"})
VERB_HELPERS = AUXILIARIES | BE_FORMS


def _passive(h: _Hit, tokens: list[Token]) -> bool:
    """ "was revealed", "has been unveiled", "is now operational": a form of "be" opens the
    cue or stands right before it, so its subject is the noun before (not "is scrapping", a
    progressive, nor "has issued", an active perfect)."""
    words = [t.key for t in tokens[h.start : h.end]]
    if words[0] in ("has", "have", "had") and len(words) > 1 and words[1] == "been":
        rest = words[2:]
    elif words[0] in BE_FORMS:
        rest = words[1:]
    elif h.start > 0 and tokens[h.start - 1].key in BE_FORMS:
        rest = words
    else:
        return False
    return not any(w.endswith("ing") for w in rest)


def _a_noun_subject(h: _Hit, tokens: list[Token]) -> bool:
    """The word before a passive's auxiliary is a common noun: the passive's own subject."""
    i = h.start
    while i > 0 and tokens[i - 1].key in VERB_HELPERS:
        i -= 1
    if tokens[h.start].key in BE_FORMS:
        i = h.start
    return i > 0 and tokens[i - 1].is_word and tokens[i - 1].text.islower()


def _a_new_subject_between(m: _Mention, h: _Hit, tokens: list[Token]) -> bool:
    """ "In a step towards the K5 plant, the tanker has arrived": after the comma a subject of
    its own ("the", "a" and a noun) comes right before the verb; an aside closed by a second
    comma ("the K5, the new model, has arrived") keeps the name."""
    between = tokens[m.end : h.start]
    commas = [k for k, t in enumerate(between) if t.key == ","]
    if len(commas) != 1 or commas[0] == len(between) - 1:
        return False
    after = between[commas[0] + 1 :]
    return (
        after[0].key in ("the", "a", "an")
        and len(after) >= 3
        # "the tanker has arrived", "a deal was signed"
        and (after[-1].key in AUXILIARIES or tokens[h.start].key in AUXILIARIES)
        and all(t.is_word and t.key not in CLAUSE_OPENERS for t in after)
    )


def _a_variant_suffix(end: int, tokens: list[Token], sentence: str) -> bool:
    """A short code hyphened onto a name ("Lake-S", "K5-X", "K9-LWB") names a variant, not
    the subject itself."""
    if end >= len(tokens) or not tokens[end].joinable:
        return False
    nxt = tokens[end]
    return (
        sentence[tokens[end - 1].end : nxt.start] == "-"
        and len(nxt.key) <= 3
        and (nxt.text[:1].isupper() or nxt.text[:1].isdigit())
    )


LATER_ORDINALS = frozenset(
    ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
    + ("eleventh", "twelfth", "next")
)
_NUMBERED = re.compile(r"\d+(?:st|nd|rd|th)")


def _a_later_one(span: tuple[int, int], tokens: list[Token]) -> bool:
    """ "the seventh Skua-class ferry", "its 12th K5": one more of a series, not its start."""
    i = span[0] - 1
    return i >= 0 and (tokens[i].key in LATER_ORDINALS or bool(_NUMBERED.fullmatch(tokens[i].key)))


RELATIVE_CLAUSE_WORDS = 20  # words a relative clause between a subject and its verb may take


def _after_relative_clause(at: int, tokens: list[Token]) -> int:
    """Where the sentence goes on after ", which ... ," right after a name: its verb's place."""
    if at + 1 < len(tokens) and tokens[at].key == "," and tokens[at + 1].key in RELATIVE_PRONOUNS:
        for j in range(at + 2, min(len(tokens), at + 2 + RELATIVE_CLAUSE_WORDS)):
            if tokens[j].key == ",":
                return j + 1
            if tokens[j].key in CLAUSE_PUNCT:
                break
    if at + 1 < len(tokens) and tokens[at].key == "-":
        # "the K5 - which is also its fastest - is being launched": an aside between dashes
        for j in range(at + 1, min(len(tokens), at + 2 + RELATIVE_CLAUSE_WORDS)):
            if tokens[j].key == "-":
                return j + 1
            if tokens[j].key in CLAUSE_PUNCT:
                break
    return at


def _past_aside(at: int, tokens: list[Token]) -> int:
    """Where the words after a name go on, past an aside between commas ("the sedan, built for
    export, was ...")."""
    if at < len(tokens) and tokens[at].key == ",":
        for j in range(at + 1, min(len(tokens), at + 1 + DASH_ASIDE)):
            if tokens[j].key == ",":
                return j + 1
    return at


def _second_predicate(m: _Mention, h: _Hit, tokens: list[Token]) -> bool:
    """ "The K5 costs 1,599 euros and is available to order": a second verb phrase after "and"
    shares the subject of the first."""
    if h.start - m.end > SHARED_SUBJECT_WINDOW:
        return False
    j = h.start - 1
    while j >= 0 and h.start - j <= 2 and tokens[j].key in PREDICATE_STARTS:
        j -= 1  # "and is now available"
    if j < 0 or tokens[j].key != "and":
        return False
    between = tokens[m.end : j]
    if not between or between[0].key in ("and", ","):
        return False  # "the K5 and the K6 ...": coordination of names, not of verbs
    return any(t.key in PREDICATE_STARTS or t.key.endswith(("s", "ed")) for t in between[:3])


PLACE_WINDOW = 12  # words from a stage verb to the place it happened at
PLACE_PREPOSITIONS = frozenset({"at", "in"})
PLACE_WORDS = 7  # "at its first 12-inch wafer fab": words from the preposition to the name
STAGE_STATUSES = frozenset({"in-development", "in-production", "launched", "discontinued"})


def _place_of(h: _Hit, m: _Mention, tokens: list[Token]) -> bool:
    """ "started production of its new chip at the newly built Aarhus plant": a stage verb's
    place, after its object, is named by "at" or "in" a few words on."""
    if not any(c.status in STAGE_STATUSES for c in h.cues) or m.start - h.end > PLACE_WINDOW:
        return False
    between = tokens[h.end : m.start]
    if any(not t.is_word for t in between):
        return False  # one stretch of words, no comma or clause break
    for back in range(1, min(PLACE_WORDS, len(between)) + 1):  # "at its newly built Acme"
        if between[-back].key in PLACE_PREPOSITIONS:
            return True
    return False


def _named_head(h: _Hit, m: _Mention, tokens: list[Token], nouns: frozenset[str]) -> bool:
    """ "the premiere of the long-awaited film 'K5'": a description ending in a subject's head
    noun, then its name, is one noun phrase, however many words the description takes."""
    between = [t for t in tokens[h.end : m.start] if t.is_word]
    if not between or len(between) > APPOSITIVE_OBJECT_WORDS:
        return False
    if any(not t.is_word and t.key not in ('"', "'") for t in tokens[h.end : m.start]):
        return False  # plain words (a quote may open the name)
    return between[-1].key in nouns and between[0].key in _DETERMINERS


ALONGSIDE = frozenset(("alongside", "with"))  # "alongside", "along with", "together with"


def _alongside(h: _Hit, m: _Mention, tokens: list[Token]) -> bool:
    """ "the K4 is being retired, alongside the K5 and the K6": names set beside what the verb
    is said of, after a comma, share what it says."""
    between = [t.key for t in tokens[h.end : m.start]]
    if len(between) < 2 or between[0] != ",":
        return False
    words = between[1:]
    if words[0] in ("along", "together") and len(words) > 1 and words[1] == "with":
        words = words[2:]
    elif words[0] == "alongside":
        words = words[1:]
    else:
        return False
    return len(words) <= 1 and all(w in _DETERMINERS for w in words)


def _infinitive_object(h: _Hit, m: _Mention, tokens: list[Token]) -> bool:
    """ "reached a deal with three shops to sell the K5", "won approval to build the K5 plant":
    the object of the verb the cue's purpose names."""
    between = tokens[h.end : m.start]
    if not between or len(between) > PLACE_WINDOW or any(not t.is_word for t in between):
        return False
    for k in range(len(between) - 1):
        if between[k].key == "to" and between[k + 1].key not in _DETERMINERS:
            verb = k + 1
            if between[verb].key.endswith("ly") and verb + 1 < len(between):
                verb += 1  # "plans to completely disable the K5": the adverb is no verb
            rest = between[verb + 1 :]
            return len(rest) <= 1 and all(t.key in _DETERMINERS for t in rest)
    return False


def _appositive_object(h: _Hit, m: _Mention, tokens: list[Token]) -> bool:
    """ "released their latest game, 'K5,' on Monday": the name set off by commas right after
    the verb's object renames that object."""
    between = tokens[h.end : m.start]
    if not between or len(between) > APPOSITIVE_OBJECT_WORDS + 2:
        return False
    k = len(between) - 1
    if between[k].key in ("the", "a", "an"):
        k -= 1  # the appositive's own article ("..., the K5,")
    while k >= 0 and not between[k].is_word and between[k].key != ",":
        k -= 1  # an opening quote
    if k < 1 or between[k].key != ",":
        return False
    if any(not t.is_word or t.key in PREPOSITIONS for t in between[:k]):
        return False  # the description is plain words: one noun phrase, no place or time
    after = m.end
    while after < len(tokens) and not tokens[after].is_word and tokens[after].key != ",":
        after += 1
    return after >= len(tokens) or tokens[after].key in (",", ".", ":")


def _title_colons(tokens: list[Token], mentions: list[_Mention]) -> set[int]:
    """The colon inside a title ("Avengers: Doomsday", "the premiere of 'Acme: Rising'") joins
    a name; a colon right before a name, after a capitalised word, does not end the clause."""
    starts = {m.start for m in mentions if m.claims or m.blocked}
    return {
        i
        for i, t in enumerate(tokens)
        if t.key == ":"
        and i + 1 in starts
        and i > 0
        and tokens[i - 1].is_word
        and tokens[i - 1].text[:1].isupper()
    }


def _dash_pairs(tokens: list[Token]) -> set[int]:
    """Dashes that bracket a short aside ("the K4 - now renamed K40 - went on sale") do not end
    the clause: the sentence runs on around them."""
    dashes = [i for i, t in enumerate(tokens) if t.key == "-"]
    out: set[int] = set()
    for a, b in zip(dashes, dashes[1:], strict=False):
        inside = tokens[a + 1 : b]
        longest = (
            RELATIVE_CLAUSE_WORDS if inside and inside[0].key in RELATIVE_PRONOUNS else DASH_ASIDE
        )
        if a in out or not inside or len(inside) > longest:
            continue  # (a relative clause between dashes may run as long as one between commas)
        if any(t.key in CLAUSE_PUNCT or t.key in (".", "?", "!") for t in inside):
            continue
        if b + 1 < len(tokens) and tokens[b + 1].is_word:
            out.update((a, b))
    return out


CONJUNCTIONS = frozenset(("and", "or", "but"))


def _hyphened_before_a_noun(h: _Hit, tokens: list[Token]) -> bool:
    """ "at the under-construction, wholly-owned K5 plant": a cue made one word by its hyphens,
    after an article, describes the noun it stands before, not a name before it."""
    if h.start == 0 or h.end >= len(tokens) or h.end - h.start < 2:
        return False
    return (
        "-" in h.text
        and " " not in h.text
        and tokens[h.start - 1].key in _DETERMINERS
        and (
            tokens[h.end].key == ","
            or (tokens[h.end].is_word and tokens[h.end].key not in ANY_PREPOSITION | CONJUNCTIONS)
        )
    )  # ("the go-ahead for the K5" is a noun and its object)


def _group_end(m: _Mention, mentions: list[_Mention]) -> int:
    """Where the coordination holding this mention ends ("the K5 and the K6 have unveiled a
    new logo": both are the verb's subject, the first as much as the second)."""
    return max(o.end for o in mentions if o.group == m.group)


def _group(mentions: list[_Mention], tokens: list[Token], coordination: frozenset[str]) -> None:
    """Coordinated mentions ("the K5, K6 and K7") share one group and so one cue."""
    group = 0
    prev: _Mention | None = None
    for m in mentions:
        if prev is None or prev.clause != m.clause:
            group += 1
        else:
            if not _coordinated(tokens[prev.end : m.start], coordination):
                group += 1
        m.group = group
        prev = m


PLACE_PREPOSITIONS = frozenset(("in", "at", "near", "outside"))
CURRENCY_SIGNS = frozenset("$£€¥₹")
# Words that open a sentence before its subject ("Now, ...", "Meanwhile, ...")
SENTENCE_ADVERBS = frozenset(
    ("now", "today", "meanwhile", "however", "recently", "yesterday", "earlier", "later")
    + ("also", "still", "then", "finally", "separately", "instead", "previously", "since")
)
FRONTED_REACH = 10  # words a fronted phrase may run to before its last comma
# the first words of a phrase put before a sentence's subject
FRONTED_OPENERS = SENTENCE_ADVERBS | frozenset(
    ("in", "on", "at", "after", "before", "during", "following", "last", "this", "by", "amid")
    + ("despite", "within", "with", "for", "as", "when", "while", "under", "over", "from")
)
AGO_AFTER = 8  # "cancelled the K5 as its chief ten years ago": how far "ago" may follow
RUN_UNITS = frozenset(("years", "decades", "months", "seasons", "centuries", "decade", "century"))
RUN_COUNT_WORDS = frozenset(
    ("a", "more", "than", "nearly", "almost", "over", "some", "about", "two", "three", "four")
    + ("five", "six", "seven", "eight", "nine", "ten", "several", "many", "half")
)
THIS_TIMES = frozenset(("year", "month", "week", "spring", "summer", "autumn", "fall", "winter"))
IN_WORDS = frozenset(("in", "within"))
PAST_HELPERS = frozenset(("has", "have", "had", "was", "were"))
WHILE_COUNTS = frozenset(
    ("a", "an", "one", "two", "three", "four", "five", "six", "few", "couple", "of", "just")
    + ("only", "about", "around", "less", "than", "under", "the", "next")
)


def _in_a_while(h: _Hit, tokens: list[Token]) -> bool:
    """ "opens in just one month", "launches in two weeks": a present verb and a span of time
    after "in" tell when it will happen (a past verb with one tells how long it took:
    "sold out in two weeks")."""
    stop = min(len(tokens), h.end + 4)
    i = h.end
    while i < stop and tokens[i].key not in IN_WORDS:
        i += 1
    if i == stop:
        return False  # most cues: no "in" right after them
    if any(not (t.is_word and t.text.islower()) for t in tokens[h.end : i]):
        return False  # "opens to the public in ...": only a few plain words may stand between
    if any(t.key.endswith("ed") or t.key in PAST_HELPERS for t in tokens[h.start : h.end]):
        return False
    return _counted_units(i + 1, tokens, WHILE_COUNTS, str.isdigit, CALENDAR_UNITS)


def _counted_units(
    at: int,
    tokens: list[Token],
    counts: frozenset[str],
    number: Callable[[str], bool],
    units: frozenset[str],
) -> bool:
    """From `at`, up to four count words or numbers, then a unit of time ("just one month",
    "nearly five decades")."""
    j = at
    while j < len(tokens) and j < at + 4 and (tokens[j].key in counts or number(tokens[j].key)):
        j += 1
    return j > at and j < len(tokens) and tokens[j].key in units


NOMINAL_REACH = 8  # "the launch of the long-awaited K5 will ...": words to its verb
NOT_YET_OVER = frozenset(("will", "would", "to", "is", "are", "be", "set", "shall", "could"))
RUN_REACH = 8  # "closes its doors for good after nearly five decades": words after the cue


def _after_a_run(h: _Hit, tokens: list[Token], clause_of: list[int]) -> bool:
    """ "ends print publication after 170 years", "closes after nearly five decades": a run
    whose length is told has come to its end (a plan's end would be told with its date)."""
    if any(
        t.key in NOT_YET_OVER or t.key.endswith("ing") for t in tokens[max(0, h.start - 1) : h.end]
    ):
        return False  # "is discontinuing Tab after 60 years", "will close after 157 years"
    clause = clause_of[h.start]
    end = min(len(tokens), h.end + RUN_REACH)
    for i in range(h.end, end):
        if clause_of[i] != clause:
            return False
        if tokens[i].key != "after":
            continue
        return _counted_units(i + 1, tokens, RUN_COUNT_WORDS, _opens_with_a_digit, RUN_UNITS)
    return False


def _opens_with_a_digit(key: str) -> bool:
    return key[:1].isdigit()  # "170", "1,500", "3rd"


ENDINGS = frozenset(("cancelled", "ending", "discontinued"))
HALTS = frozenset(("halt", "halts", "halted", "halting"))  # a bare stop: by whom decides
# verbs that stop what they take as object ("suspended the launch of"): that stage is not reached
STOPPING_VERBS = frozenset(
    ("suspended", "suspends", "paused", "pauses", "halted", "halts", "froze", "freezes")
    + ("cancelled", "canceled", "cancels", "scrapped", "scraps", "shelved", "shelves")
    + ("abandoned", "abandons", "blocked", "blocks", "stopped", "stops")
)
DESCRIBING_WORDS = 3  # "the K5 and the small, cheap M2": words that describe the next name


def _coordinated(between: list[Token], coordination: frozenset[str]) -> bool:
    """Only joining words between two names, or joining words, a determiner and a few lower-case
    words that describe the second name ("and the long-awaited M2"); a place after the first
    name may stand between ("the K5 plant in Sweden and the M2 line in Norway")."""
    if len(between) <= 4 and all(t.key in coordination for t in between):
        return True
    if len(between) > 2 and between[0].key in PLACE_PREPOSITIONS:
        k = 1
        while k < len(between) and (
            (between[k].is_word and between[k].text[:1].isupper()) or between[k].key in (".", "the")
        ):
            k += 1
        place = [t for t in between[1:k] if t.text[:1].isupper()]
        if (
            1 < k < len(between)
            and place
            and not any(t.key in MONTHS or t.key in WEEKDAYS for t in place)
        ):  # "in January" is a time
            return _coordinated(between[k:], coordination)
    k = len(between)
    while k > 0 and len(between) - k < DESCRIBING_WORDS:
        t = between[k - 1]
        if (
            not (
                (t.is_word and (t.text.islower() or t.text[0].isdigit()))
                or t.text in CURRENCY_SIGNS  # "and the £2bn K6": an amount describes it too
            )
            or t.key in coordination
            or t.key in VERB_HELPERS
            or t.key in ANY_PREPOSITION
        ):
            break  # "the introduction of GenMoji": a phrase of its own, not a description
        k -= 1
    head = between[:k]
    return (
        k < len(between)
        and len(head) >= 2
        and head[-1].key in _DETERMINERS
        # a conjunction: after a bare comma, "the first model of ..." describes the name before
        and any(t.key in ("and", "or", "&", "plus") for t in head)
        and len(head) <= 4
        and all(t.key in coordination for t in head)
    )


LIST_LEAD = 4  # "scrapped three projects:", "were cancelled:": words between a cue and its list


def _headline_label(
    h: _Hit, mentions: list[_Mention], tokens: list[Token], clause_of: list[int]
) -> _Mention | None:
    """ "Acme Q7: cancelled" and "Confirmed: Acme R2": a cue that is all there is on one side
    of a colon speaks of the name just across it."""
    if h.start == 0 and h.end < len(tokens) and tokens[h.end].key == ":":
        after = [m for m in mentions if m.claims and m.start in (h.end + 1, h.end + 2)]
        return after[0] if after else None
    colon = next(
        (i for i in range(h.end, min(len(tokens), h.end + LIST_LEAD + 1)) if not tokens[i].is_word),
        None,
    )
    if (
        colon is not None
        and tokens[colon].key == ":"
        and colon + 1 < len(tokens)
        and not any(c.status in SAYING_STATUSES for c in h.cues)  # "confirms it: ..." reports
    ):
        # "Orla has scrapped three projects: the K5, the K6 and ...": the list after the colon
        # is what the verb before it did away with (its names share the cue as a coordination)
        after = [m for m in mentions if m.claims and m.start in (colon + 1, colon + 2)]
        if after and (after[0].start == colon + 1 or tokens[colon + 1].key in _DETERMINERS):
            nxt = tokens[after[0].end] if after[0].end < len(tokens) else None
            if nxt is None or not nxt.is_word or not nxt.text.islower() or nxt.key in ("and", "or"):
                return after[0]  # not "a new app: the K5 companion", a name of another thing
    if h.start < 2 or tokens[h.start - 1].key != ":" or h.end < len(tokens) - 1:
        return None
    before = [m for m in mentions if m.claims and m.end == h.start - 1]
    return before[-1] if before else None


REPORTING_VERBS = frozenset(
    ("said", "says", "told", "announced", "confirmed", "stated", "reported", "explained")
)


def _reported_past(o: _Hit, tokens: list[Token]) -> bool:
    """A past perfect after a reporting verb ("said the K5 had been cancelled") is the tense of
    reported speech, not a look back."""
    return tokens[o.start].key == "had" and any(
        t.key in REPORTING_VERBS for t in tokens[max(0, o.start - 6) : o.start]
    )


WHEN_CLAUSE = frozenset({"when", "once", "whenever"})
WHEN_REACH = 4  # "when the K5 opens", "once it opens"
WHEN_WORDS = frozenset(
    ("on", "today", "yesterday", "earlier", "last", "this", "week", "monday", "tuesday")
    + ("wednesday", "thursday", "friday", "saturday", "sunday")
)


def _reports_a_clause(h: _Hit, tokens: list[Token]) -> bool:
    """ "confirmed that ...", "announced on Monday that ...": the verb reports the clause after
    it."""
    if not any(c.status == "confirmed" for c in h.cues):
        return False
    for t in tokens[h.end : h.end + REPORTS_REACH]:
        if t.key == "that":
            return True
        if not (
            t.key in WHEN_WORDS
            or t.key in ("(", ")", ",")
            or t.key.isdigit()
            or t.text[:1].isupper()
            or t.key.endswith("ly")  # "announced recently that"
        ):
            return False  # "announced on Thursday (Sep 11) that ...": a date on the way
    return False


REPORTS_REACH = 7


def _an_attribution(h: _Hit, tokens: list[Token]) -> bool:
    """ "..., the companies announced Thursday.": who told the sentence's news, at its end."""
    if not any(t.key == "," for t in tokens[max(0, h.start - ATTRIBUTION_LEAD) : h.start]):
        return False
    return all(
        not t.is_word or t.key in WHEN_WORDS or t.key in MONTHS or t.key.isdigit()
        for t in tokens[h.end :]
    )


ATTRIBUTION_LEAD = 4  # ", the two companies announced"


def _after_a_cause(o: _Hit, tokens: list[Token]) -> bool:
    """ "flew in July after repeated delays": the delay is behind it, not ahead."""
    return any(t.key in CAUSE_WORDS for t in tokens[max(0, o.start - 2) : o.start])


CAUSE_WORDS = frozenset({"after", "despite", "following", "amid", "through", "years", "of"})


def _bare_verb(key: str) -> bool:
    """A cue's first word that may be a verb's bare form ("approve", "open"), not a past,
    a third person or a participle ("approved", "opens", "opening")."""
    return key.isalpha() and not key.endswith(("ed", "s", "ing"))


NEGATION_KINDS = frozenset({"neg_pre", "neg_post"})


def _a_number_sign(start: int, end: int, tokens: list[Token]) -> bool:
    """ "No. 2", "no 6": the abbreviation of "number" before a numeral."""
    if end - start != 1 or tokens[start].key != "no":
        return False
    nxt = end + 1 if end < len(tokens) and tokens[end].key == "." else end
    return nxt < len(tokens) and tokens[nxt].key[:1].isdigit()


def _qualify(
    h: _Hit,
    hits: list[_Hit],
    clause_of: list[int],
    question: bool,
    tokens: list[Token],
    when: bool = True,
) -> dict[str, str]:
    """The qualifiers in scope of one cue (first found of each kind), NegEx/ConText style."""
    clause = clause_of[h.start]
    out: dict[str, str] = {}
    if question:
        out["question"] = "the sentence is a question"
    if h.start > 0 and tokens[h.start - 1].key == "to" and _bare_verb(tokens[h.start].key):
        out["future"] = "'to'"  # "asked regulators to approve the K5": wanted, not done
    g = (
        h.start - 2
        if h.start > 0 and tokens[h.start - 1].key in ("a", "an", "the")
        else h.start - 1
    )
    if (
        g > 0
        and tokens[g - 1].key in ("for", "toward", "towards")
        and tokens[g].key.endswith("ing")
        and tokens[g].text.islower()
    ):
        # "extended the deadline for securing approval": a purpose, still to come
        out["future"] = repr(f"{tokens[g - 1].text} {tokens[g].text}")
    if _in_a_while(h, tokens):
        out["future"] = "'in ...'"  # "opens in just one month": a time from now
    if (
        h.start > 1
        and h.end - h.start > 1
        and tokens[h.start].key in _DETERMINERS
        and tokens[h.start - 1].key in STOPPING_VERBS
    ):
        out["negation"] = repr(tokens[h.start - 1].text)  # "suspended the launch of the K5"
    if h.start > 0 and tokens[h.start - 1].key in CONSIDERING:
        # "is considering ending production", "mulls closing the plant": weighed, not done
        out["hypothetical"] = repr(tokens[h.start - 1].text)
    if (
        h.end - h.start > 1
        and tokens[h.start].key in ("is", "are")
        and tokens[h.start + 1].key.endswith("ing")
    ):
        # "is launching this year", "is launching operations in the coming months": a
        # progressive with a time after it is a plan
        for i in range(h.end, len(tokens)):
            if clause_of[i] != clause:
                break
            if tokens[i].key == "this" and i + 1 < len(tokens) and tokens[i + 1].key in THIS_TIMES:
                out["future"] = repr(f"this {tokens[i + 1].text}")
            if tokens[i].key in WEEKDAYS:
                out["future"] = repr(tokens[i].text)  # "is opening Sunday": the next one
        for o in hits:
            if "future_time" in o.kinds and o.start >= h.end and clause_of[o.start] == clause:
                out["future"] = repr(o.text)
    if tokens[h.end - 1].key == "of":
        # "the launch of the K5 will be Orla's first ...": the event is the subject of a
        # verb still to come
        for i in range(h.end, min(len(tokens), h.end + NOMINAL_REACH)):
            if clause_of[i] != clause or tokens[i].key == ",":
                break
            if tokens[i].key in ("will", "would"):
                out["future"] = repr(tokens[i].text)
                break
            if tokens[i].key in AUXILIARIES:
                break
    for i in range(max(0, h.start - WHEN_REACH), h.start if when else 0):
        if tokens[i].key in WHEN_CLAUSE and clause_of[i] == clause:
            if not _past_tense(h, tokens):
                out["future"] = repr(tokens[i].text)  # "... when the K5 opens": to come
            break
    for o in hits:
        if o is h or clause_of[o.start] != clause:
            continue
        if o.cues:
            # "maiden flight slips to 2026", "first deliveries are expected in 2025": a timing
            # or plan right after a stage names an event still to come
            if (
                o.start >= h.end
                and o.start - h.end <= PLANNED_AFTER
                and not _after_a_cause(o, tokens)
                and not _a_cause(o, tokens)
                and (
                    any(c.kind == "timing" for c in o.cues)
                    or (
                        "".join(phrase_keys(o.text)) in PLANNED_WORDS
                        and not _before_its_noun(o, tokens)
                        and not _describes_the_object(h, tokens)
                    )
                )
            ):
                out.setdefault("future", repr(o.text))
            elif (
                o.end <= h.start
                and h.start - o.end <= DELAYED_BEFORE
                and any(c.kind == "timing" for c in o.cues)
                and tokens[o.end].key in _DETERMINERS  # a noun phrase: "the", "its" launch
                and all(t.is_word for t in tokens[o.end : h.start])
            ):
                out.setdefault("future", repr(o.text))  # "postponed the launch of the K5"
            elif (
                o.start >= h.end
                and any(c.kind == "timing" for c in o.cues)
                and _reports_a_clause(h, tokens)
            ):
                out.setdefault("delay", repr(o.text))  # "announced that it delayed the K5"
            elif "future" in o.kinds and o.end <= h.start and h.start - o.end <= QUALIFIER_WINDOW:
                out.setdefault("future", repr(o.text))  # "expect the first flight in July"
            continue
        before = o.end <= h.start
        gap = h.start - o.end if before else o.start - h.end
        kinds = o.kinds
        if "neg_pseudo" in kinds:
            continue
        if "neg_pre" in kinds and before:
            window = (
                NEG_DENIAL_WINDOW if "".join(phrase_keys(o.text)) in DENIALS else NEG_PRE_WINDOW
            )
            if gap <= window:
                out.setdefault("negation", repr(o.text))
        if "neg_post" in kinds and not before and gap <= NEG_POST_WINDOW:
            out.setdefault("negation", repr(o.text))
        if "neg_pre" in kinds and not before and _reports_a_clause(h, tokens):
            # "announced that the X is not ready": what is confirmed is a setback
            out.setdefault("negation", repr(o.text))
        if "hypothetical" in kinds and before and not _a_relative_clause_opens(o.end, h, tokens):
            out.setdefault("hypothetical", repr(o.text))
        for key in ("opinion", "historical", "future"):
            if key in kinds and before and gap <= QUALIFIER_WINDOW:
                if key == "historical" and any(
                    t.key in ("and", "but") for t in tokens[max(o.end, h.start - 2) : h.start]
                ):
                    continue  # "approved last year and became available in May": a new verb
                if key == "historical" and _reported_past(o, tokens):
                    continue  # "Acme said the K5 had been cancelled": told now, in the past
                out.setdefault(key, repr(o.text))
        if (
            "historical" in kinds
            and not before
            and gap <= AGO_AFTER
            and tokens[o.end - 1].key in ("ago", "earlier")
            and all(t.key != "," for t in tokens[h.end : o.start])
        ):
            out.setdefault("historical", repr(o.text))  # "cancelled the plan two years ago"
        if (
            "future_time" in kinds
            and not (o.end < len(tokens) and tokens[o.end].key in ("after", "before"))
            and gap <= (QUALIFIER_WINDOW if before else NEG_POST_WINDOW + 1)
            and (before or all(t.key != "," for t in tokens[h.end : o.start]))
        ):  # "Gets Clearance, Launching Next Month": the time after the comma is the launch's
            out.setdefault("future", repr(o.text))
        if (
            "future" in kinds
            and not before
            and gap <= PLANNED_AFTER
            and "".join(phrase_keys(o.text)) in PLANNED_WORDS
            and not _describes_the_object(h, tokens)
            and not _a_cause(o, tokens)
        ):
            out.setdefault("future", repr(o.text))  # "first launch planned for July"
        if (
            "hedges" in kinds
            and gap <= (HEDGE_BEFORE if before else HEDGE_AFTER)
            and (before or not _a_new_subject_after(h.end, o.start, tokens))
        ):
            out.setdefault("hedge", repr(o.text))
    if out.get("future", "").strip("'").lower() in ("will", "will be") and any(
        t.key in ("today", "tonight") and clause_of[i] == clause for i, t in enumerate(tokens)
    ):
        del out["future"]  # "will be released today": it happens on the report's own day
    return out


def _a_cause(o: _Hit, tokens: list[Token]) -> bool:
    """ "cancelled due to the pandemic": "due to" before a noun gives a cause, not a plan
    ("due to open in May")."""
    if "".join(t.key for t in tokens[o.start : o.end]) != "dueto" or o.end >= len(tokens):
        return False
    nxt = tokens[o.end]
    return (
        nxt.key in _DETERMINERS
        or nxt.text[:1].isupper()
        or not nxt.is_word
        or (_plural(nxt.key) and not nxt.key.endswith("ss"))
    )


def _describes_the_object(h: _Hit, tokens: list[Token]) -> bool:
    """ "is cancelling its conference scheduled for May": after a verb and its object, a plan
    word describes the object (its old date), it does not make the verb a plan."""
    return _verb_cue(h, tokens) and h.end < len(tokens) and tokens[h.end].key in _DETERMINERS


def _a_relative_clause_opens(after: int, h: _Hit, tokens: list[Token]) -> bool:
    """ "if we count the K5, which was released in May": the cue opens a relative clause of its
    own after the condition's word, and a relative clause states a fact whatever the condition."""
    return h.start > after and tokens[h.start - 1].key in ("which", "who")


SUBJECT_PRONOUNS = frozenset(("it", "it's", "they", "he", "she", "we", "i", "you", "this"))


def _a_new_subject_after(start: int, end: int, tokens: list[Token]) -> bool:
    """ "X has arrived in stores and it might be my favourite": a conjunction and a pronoun
    between a cue and a later word open a new clause, whose doubt is not the cue's."""
    return any(
        tokens[i].key in ("and", "but") and tokens[i + 1].key in SUBJECT_PRONOUNS
        for i in range(start, end - 1)
    )


# Things that belong to a subject and can be announced, confirmed or shown in its stead.
EVENT_NOUNS = frozenset(
    ("opening", "launch", "release", "debut", "start", "completion", "closure", "delay")
    + ("delays", "cost", "costs", "timeline", "date", "schedule", "price", "pricing", "budget")
    + ("trailer", "teaser", "name", "details", "specifications", "step", "deal", "agreement")
)


def _event_between(h: _Hit, tokens: list[Token], span: tuple[int, int]) -> str:
    """ "announced the phased opening of the X", "the opening of the X is confirmed": an event
    noun between the cue and the subject is what the cue is about."""
    lo, hi = (h.end, span[0]) if span[0] >= h.end else (span[1], h.start)
    for t in tokens[lo:hi]:
        if t.key in EVENT_NOUNS:
            return t.text
    if span[1] <= h.start:
        # "the May 8 opening of the X is confirmed": the event named just before the subject
        i = span[0] - 1
        while (
            i >= 0 and span[0] - i <= 3 and tokens[i].key not in ("of", "for") and tokens[i].is_word
        ):
            i -= 1  # "the", "its", a name's first word the mention left out
        if i >= 1 and tokens[i].key in ("of", "for") and tokens[i - 1].key in EVENT_NOUNS:
            return tokens[i - 1].text
    return ""


def _past_timing(
    h: _Hit, timings: list[Timing], tokens: list[Token], clause_of: list[int], baseline_year: str
) -> str:
    """ "when the project was first announced in 2019": a cue dated before the year of the
    baseline's own article tells what the baseline already knew (a bare month never counts)."""
    if not baseline_year.isdigit() or not _past_tense(h, tokens):
        return ""
    clause = clause_of[h.start]
    for t in timings:
        if t.year_assumed or len(t.value) < 4 or not t.value[:4].isdigit():
            continue
        idx = _token_at(tokens, t.start)
        if idx is None or clause_of[idx] != clause or abs(idx - h.start) > QUALIFIER_WINDOW:
            continue
        if int(t.value[:4]) < int(baseline_year):
            return t.value
    return ""


def _future_timing(
    stage: bool,
    h: _Hit,
    timings: list[Timing],
    tokens: list[Token],
    clause_of: list[int],
    pub_key: str,
) -> str | None:
    """A stage cue dated after the report ("production starts in November 2026") is a plan."""
    if not stage or not pub_key:
        return None
    clause = clause_of[h.start]
    # "Maiden voyage: March 28": a label and its date across a colon
    labelled = h.end < len(tokens) and tokens[h.end].key == ":"
    past = _past_tense(h, tokens)
    dated = [
        (idx, t)
        for t in timings
        if (idx := _token_at(tokens, t.start)) is not None
        and (clause_of[idx] == clause or (labelled and clause_of[idx] == clause + 1))
    ]
    if past and dated:
        # a stage told in the past is dated by its own date, the nearest: "kicked off on
        # July 16 and runs until January" (a present or a noun stage may point anywhere ahead)
        dated = [min(dated, key=lambda d: h.start - d[0] if d[0] < h.start else d[0] - h.end)]
    for idx, t in dated:
        if t.year_assumed and past:
            continue  # "debuted in January", told in April: last January
        # a report dated only by its year or month is compared at that precision
        precision = min(len(t.value[:7]), len(pub_key))
        if t.value[:precision] > pub_key[:precision] and not (
            len(t.value) == 7
            and t.value[4] == "-"
            and t.value[5] == "H"
            and t.value[:4] == pub_key[:4]
        ):
            return f"dated {t.value}, after the report"
        if (
            len(t.value) == 10
            and len(pub_key) == 10
            and t.value > pub_key
            and not past
            and (idx < h.start or idx - h.end <= DAY_AFTER_CUE)
        ):
            return f"dated {t.value}, after the report"  # "on Sunday, February 8", told on the 6th
    return None


DAY_AFTER_CUE = 3  # "opens on February 8": a day this close after a stage dates that stage
PAST_FORMS = frozenset(
    ("was", "were", "has", "had", "have", "made", "began", "took", "came", "went", "flew")
    + ("rose", "broke", "became", "won", "got", "gave", "left", "held", "saw")
    # past or present by their spelling; news tells its present with "shuts", "cuts", "hits"
    + ("shut", "cut", "hit", "set", "put", "quit")
)
NOT_PAST = frozenset(
    {"be", "to", "will", "being", "would", "shall", "can", "could", "may", "might", "must"}
    | {"should"}
)


def _past_tense(h: _Hit, tokens: list[Token]) -> bool:
    """Is the cue told in the past ("debuted", "made its debut", "has been approved")?"""
    before = [t.key for t in tokens[max(0, h.start - 2) : h.start]]
    if any(w in NOT_PAST for w in before):
        return False  # "to be unveiled", "will be approved"
    words = [*before, *(t.key for t in tokens[h.start : h.end])]
    return any(w.endswith("ed") or w in PAST_FORMS for w in words)


def _in_the_past(t: Timing, pub_key: str) -> Timing:
    """ "stopped in October", told in December: this year's October, not next year's. A month
    without its year is read forward by default; a cue told in the past reads it backward."""
    month_key = t.value[:7]
    if len(pub_key) < 7 or len(month_key) < 7 or not month_key[5:7].isdigit():
        return t
    year = int(pub_key[:4]) if month_key[5:7] <= pub_key[5:7] else int(pub_key[:4]) - 1
    return replace(t, value=f"{year}{t.value[4:]}")


def _token_at(tokens: list[Token], offset: int) -> int | None:
    for i, t in enumerate(tokens):
        if t.end > offset:
            return i
    return None


def _nearest_timing(
    h: _Hit, timings: list[Timing], tokens: list[Token], clause_of: list[int]
) -> Timing | None:
    clause = clause_of[h.start]
    best: tuple[int, Timing] | None = None
    same_clause: list[Timing] = []
    for t in timings:
        idx = _token_at(tokens, t.start)
        if idx is None or clause_of[idx] != clause:
            continue
        same_clause.append(t)
        d = abs(idx - h.start)
        if best is None or d < best[0]:
            best = (d, t)
    if best is None:
        return None
    pick = best[1]
    for t in same_clause:  # "2029, ... the first half of that year" -> 2029-H1
        if t.value[:4] == pick.value[:4] and len(t.value) > len(pick.value):
            pick = t
    return pick


def _anaphor(tokens: list[Token], sentence: str, nouns: frozenset[str]) -> tuple[int, int] | None:
    """The span of the one anaphor of a sentence: "It" opening it (not an expletive "It is
    understood"), or else a single definite description "the [up to three words] car|model|...",
    not part of a compound ("the car maker", "the coupe-styled ...", "the EV market") nor a name
    ("the 8 Series Coupe": its words are lower case). None when there is none or more than one."""
    if not tokens:
        return None
    first = tokens[0].key
    if first in ("it", "it's"):
        rest = [t.key for t in tokens[1:4]]
        if first == "it's":
            rest = ["is", *rest]
        if any(k in SEEMS for k in rest):
            return None
        if rest[:1] and rest[0] in COPULAS and len(rest) > 1:
            nxt = rest[2] if rest[1] == "not" and len(rest) > 2 else rest[1]
            if nxt in EXPLETIVE_AFTER:
                return None
        return (0, 1)
    spans: list[tuple[int, int]] = []
    for i, t in enumerate(tokens):
        if t.key not in ("the", "this"):  # not "its new scooter": too common to read in full
            continue
        for j in range(i + 1, min(len(tokens), i + 5)):
            tj = tokens[j]
            if not tj.is_word or not (tj.text.islower() or tj.key in nouns):
                break  # punctuation ends it; a capital or a digit makes it a name
            nxt = tokens[j + 1] if j + 1 < len(tokens) else None
            if nxt is not None and sentence[tj.end : nxt.start] == "-":
                continue  # "coupe-styled": a modifier, the phrase goes on
            if tj.key in NOT_A_VEHICLE:
                break
            if tj.key in nouns:
                ends = (
                    nxt is None
                    or not nxt.is_word
                    or nxt.key in FOLLOW
                    or (nxt.key.endswith("ed") and nxt.key not in nouns)
                )
                if ends:
                    spans.append((i, j + 1))
                break
    if not spans:
        # "Corvid has now confirmed it": "it" as the object of a verb told in the past
        for k in range(1, len(tokens)):
            if tokens[k].key != "it":
                continue
            verb = tokens[k - 1]
            after = tokens[k + 1] if k + 1 < len(tokens) else None
            if verb.is_word and verb.key.endswith("ed") and (after is None or not after.is_word):
                spans.append((k, k + 1))
    return spans[0] if len(spans) == 1 else None


# Plural anaphora: "Both have been dropped", "the two models", "all three", "they were axed".
PLURAL_DETERMINERS = frozenset({"the", "all", "both", "these", "those"})
NUMBER_WORDS = frozenset({"two", "three", "four", "five"})
PLURAL_OPENERS = frozenset({"but", "and", "now", "however", "since", "then", "today", ","})
PLURAL_WORDS = frozenset({"they", "both", "these", "those", "each", "neither"})
# A cheap first look for `_plural_anaphor`, made of the same words (it may find more, never less).
_PLURAL_OPENING = re.compile(
    r"\W*(?:(?:" + "|".join(sorted(PLURAL_OPENERS - {","})) + r"),?\s+){0,3}"
    r"(?:(?:" + "|".join(sorted(PLURAL_WORDS)) + r")"
    r"|(?:"
    + "|".join(sorted(PLURAL_DETERMINERS))
    + r")\s+(?:"
    + "|".join(sorted(NUMBER_WORDS | {"pair"}))
    + r"))\b",
    re.IGNORECASE,
)


def _plural_anaphor(tokens: list[Token], start: int) -> tuple[int, int] | None:
    """The span of a plural anaphor opening the clause that begins at `start` ("both models",
    "they", "the two vehicles", "all three"), or None."""
    i = start
    while i < len(tokens) and tokens[i].key in PLURAL_OPENERS and i - start < 3:
        i += 1
    if i >= len(tokens):
        return None
    k = tokens[i].key
    if k in PLURAL_WORDS:
        end = i + 1
        nxt = tokens[end] if end < len(tokens) else None
        if (
            nxt is not None
            and nxt.is_word
            and nxt.text.islower()
            and nxt.key.endswith("s")
            and nxt.key not in ("is", "was", "has", "does")
        ):
            end += 1  # "both models", "these plans"
        return (i, end)
    if k in PLURAL_DETERMINERS and i + 1 < len(tokens):
        nk = tokens[i + 1].key
        if nk in NUMBER_WORDS or nk == "pair":
            end = i + 2
            nxt = tokens[end] if end < len(tokens) else None
            if nxt is not None and nxt.is_word and nxt.text.islower() and nxt.key.endswith("s"):
                end += 1
            return (i, end)
    return None


def _plural_in_sentence(
    mentions: list[_Mention], tokens: list[Token], clause_of: list[int], sentence: str
) -> list[_Mention]:
    """ "The X and the Y were planned there, but both have since been axed": a later clause that
    opens on a plural anaphor speaks of the coordinated subjects of the clause before it."""
    groups: dict[int, list[_Mention]] = {}
    for m in mentions:
        if m.claims and not m.note:
            groups.setdefault(m.group, []).append(m)
    multi = [g for g in groups.values() if len({c for m in g for c in m.claims}) > 1]
    if not multi:
        return mentions
    out = list(mentions)
    for i in range(1, len(tokens)):
        if clause_of[i] == clause_of[i - 1] or clause_of[i] <= 0:
            continue
        start = i + 1 if tokens[i].key in CLAUSE_PUNCT or not tokens[i].is_word else i
        if any(m.start >= start and m.clause == clause_of[i] for m in mentions):
            continue  # the clause names its own subject
        span = _plural_anaphor(tokens, start)
        if span is None:
            continue
        before = [g for g in multi if g[-1].end <= span[0]]
        if not before:
            continue
        group = before[-1]
        claims = tuple(dict.fromkeys(c for m in group for c in m.claims))
        text = sentence[tokens[span[0]].start : tokens[span[1] - 1].end]
        out.append(
            _Mention(
                span[0],
                span[1],
                text,
                claims,
                (),
                clause=clause_of[span[0]],
                group=max(m.group for m in mentions) + 1 + len(out),
                via=f"{text!r} read as the {len(claims)} subjects named before it",
            )
        )
    return sorted(out, key=lambda m: m.start)


# "its next model, known internally as K3,": the name stands for the noun phrase before it.
APPOSITIVE_MARKERS = frozenset(
    {
        "known",
        "internally",
        "as",
        "dubbed",
        "codenamed",
        "code",
        "named",
        "called",
        "so",
        "also",
        "internal",
        "codename",
        "nicknamed",
        "branded",
        "badged",
        "designated",
        "'s",
    }
)
PRONOUNS = frozenset({"it", "they", "he", "she", "we", "i", "you", "this", "that", "there"})
NP_STARTS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "this", "that"})


def _appositives(mentions: list[_Mention], tokens: list[Token]) -> None:
    """Widen a mention introduced by "known as", "dubbed", "codenamed" ... to the noun phrase
    it names, so that a cue before that phrase reaches it ("approved the open version of its
    next model, known internally as K3, for production")."""
    for m in mentions:
        if not m.claims:
            continue
        first = m.start
        if first > 0 and tokens[first - 1].key in ("the", "a", "an"):
            first -= 1  # "known as the X"
        i = first - 1
        markers = 0
        while i >= 0 and tokens[i].key in APPOSITIVE_MARKERS and markers < 4:
            i -= 1
            markers += 1
        if markers == 0 or tokens[first - 1].key not in (
            "as",
            "dubbed",
            "codenamed",
            "named",
            "called",
            "nicknamed",
            "codename",
            "designated",
        ):
            continue
        if i < 0 or tokens[i].key != ",":
            continue
        for j in range(i - 1, max(-1, i - 9), -1):
            if not tokens[j].is_word or tokens[j].key in CLAUSE_PUNCT:
                break
            if tokens[j].key in NP_STARTS:
                m.start = j
                break


# A claim that is itself a permission ("its operating certificate", "the export licence"): being
# granted it is its approval.
PERMISSION_NOUNS = frozenset(
    ("certificate", "certificates", "certification", "licence", "license", "licences")
    + ("licenses", "permit", "permits", "approval", "authorisation", "authorization")
    + ("clearance", "accreditation")
)
GRANT_VERBS = frozenset(
    ("received", "receives", "granted", "grants", "issued", "issues")
    + ("awarded", "awards", "obtained", "obtains", "earned", "earns", "won", "wins", "secured")
    + ("secures", "got", "gets", "gained", "gains", "nabbed", "nabs", "given", "gave")
)
NOT_YET_GRANTED = frozenset(
    {"toward", "towards", "to", "before", "until", "awaiting", "seeking", "expects", "if", "once"}
)
GRANT_SKIP = frozenset({"its", "their", "the", "a", "an", "his", "her", "first", "final", "full"})


def _granted(
    mentions: list[_Mention], tokens: list[Token], sentence: str, hits: list[_Hit]
) -> list[_Hit]:
    """ "received its operating certificate", "the licence was granted": an approval cue for a
    claim that names a permission."""
    out: list[_Hit] = []
    taken = {h.start for h in hits}
    for m in mentions:
        if not m.claims:
            continue
        if m.soft and any(t.key in PERMISSION_NOUNS for t in tokens[m.start : m.end]):
            # "Congo grants licence to Starlink" for "Starlink licence in Congo": the name's
            # words gathered around the verb that grants it
            inner = next((k for k in range(m.start, m.end) if tokens[k].key in GRANT_VERBS), None)
            if inner is not None and inner not in taken:
                t = tokens[inner]
                out.append(
                    _Hit(
                        inner,
                        inner + 1,
                        sentence[t.start : t.end],
                        cues=[_Cue("status", "approved")],
                    )
                )
                continue
        if tokens[m.end - 1].key not in PERMISSION_NOUNS:
            continue
        i = m.start - 1
        while i >= 0 and (tokens[i].key in GRANT_SKIP or tokens[i].key.endswith("'s")):
            i -= 1
        verb: int | None = i if i >= 0 and tokens[i].key in GRANT_VERBS else None
        if verb is None:
            j = m.end
            while (
                j < len(tokens)
                and j < m.end + 3
                and tokens[j].key in ("was", "were", "has", "been", "have", "is")
            ):
                j += 1
            if j < len(tokens) and j > m.end and tokens[j].key in GRANT_VERBS:
                verb = j
        if verb is None or verb in taken:
            continue
        if verb > 0 and tokens[verb - 1].key in NOT_YET_GRANTED:
            continue  # "on track to receive", "before it was granted"
        t = tokens[verb]
        out.append(
            _Hit(verb, verb + 1, sentence[t.start : t.end], cues=[_Cue("status", "approved")])
        )
    return out


def _standing_for(
    span: tuple[int, int],
    tokens: list[Token],
    sentence: str,
    claims: tuple[str, ...],
    what: str,
) -> _Mention:
    """The mention an anaphor makes: its words, standing for claims named earlier."""
    start, end = span
    text = sentence[tokens[start].start : tokens[end - 1].end]
    return _Mention(start, end, text, claims, (), via=f"{text!r} read as {what}")


def _mention_note(m: _Mention) -> MentionNote:
    note = "; ".join(x for x in (m.note, m.via) if x)
    return MentionNote(m.text, m.claims, m.blocked, note)
