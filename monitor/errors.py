"""The project's error tree: adapters translate their libraries' errors into these."""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error the monitor reports to a person. `exit_code` is the CLI's status."""

    exit_code = 1


class ConfigError(MonitorError):
    exit_code = 2


class ValidationError(MonitorError):
    """Input (a file, an event, a line) does not match its schema; the message names where."""

    exit_code = 2


class UnknownClaimError(MonitorError):
    exit_code = 2


class UnknownFeedError(MonitorError):
    exit_code = 2


class StoreError(MonitorError):
    """The database could not be reached or used."""

    exit_code = 3


class ConcurrencyError(StoreError):
    """A stream's version moved under the writer: the append is refused, never silently dropped."""

    exit_code = 4


class LockTimeoutError(ConcurrencyError):
    """Another writer held the append lock (or a statement ran) past its timeout: the write
    did not happen and may be retried."""


class IntegrityError(MonitorError):
    """The log's hash chain or an event's schema does not verify."""

    exit_code = 5
