"""Feed adapters: fetch bytes over HTTP (or from disk), parse them into entries, be polite.

``fetch``, ``parse`` and ``politeness`` know nothing of the database: the poll job calls
``Fetcher.fetch`` (inside ``HostGate.slot``), then ``parse_feed``, and records what they return.
"""

from monitor.feeds.fetch import Fetcher, FetchPolicy, FetchResult
from monitor.feeds.parse import FeedParseError, ParsedEntry, ParsedFeed, parse_feed
from monitor.feeds.politeness import HostGate, backoff_seconds, jittered_interval

__all__ = [
    "FeedParseError",
    "FetchPolicy",
    "FetchResult",
    "Fetcher",
    "HostGate",
    "ParsedEntry",
    "ParsedFeed",
    "backoff_seconds",
    "jittered_interval",
    "parse_feed",
]
