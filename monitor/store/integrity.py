"""Tamper evidence beyond the hash chain: head anchors and the keyed chain.

Why: a sha256 chain proves only that the log is self-consistent. Whoever can write to the
database (drop the trigger, edit event 2, recompute every hash after it) produces another
self-consistent log. Two things catch that rewrite:

- an **anchor**: a (position, hash) of the head kept somewhere else (a file written after every
  append, copied with backups or to a second machine; a hash written down). A rewrite of any
  event at or before the anchored position changes the hash there; a truncation below it
  removes it.
- a **keyed chain**: each event's hash is an HMAC-SHA256 under a secret from the environment,
  so the rewrite cannot be recomputed without the secret.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from ..domain.hashing import anchor_mac
from ..errors import ConfigError, ValidationError

log = logging.getLogger(__name__)

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Anchor:
    """A head the log must still pass through: the hash at ``position`` (None: anywhere)."""

    hash: str
    position: int | None = None
    mac: str | None = None
    source: str = "--expect-head"

    def describe(self) -> str:
        where = f"#{self.position} " if self.position is not None else ""
        return f"{self.source} {where}{self.hash}"


def parse_expect_head(text: str) -> Anchor:
    """``HASH`` or ``POSITION:HASH`` (as `replay --json` prints them), checked for form."""
    value = text.strip().lower()
    position: int | None = None
    if ":" in value:
        pos_text, value = value.split(":", 1)
        if not pos_text.isdigit() or int(pos_text) < 1:
            raise ValidationError(f"--expect-head: {pos_text!r} is not a position (1 or more)")
        position = int(pos_text)
    if not _HEX64.match(value):
        raise ValidationError(
            f"--expect-head: {text!r} is not a head hash (64 hex digits, or POSITION:HASH)"
        )
    return Anchor(value, position)


def read_anchor(path: Path) -> Anchor:
    """An anchor file as `write_anchor` writes it; errors name the file and the field."""
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read anchor: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{path}: anchor is not valid JSON: {exc.msg}") from exc
    if not isinstance(obj, dict):
        raise ValidationError(f"{path}: anchor must be a JSON object")
    position = obj.get("position")
    digest = obj.get("hash")
    if not isinstance(position, int) or isinstance(position, bool) or position < 1:
        raise ValidationError(f"{path}: position: {position!r} is not a position (1 or more)")
    if not isinstance(digest, str) or not _HEX64.match(digest):
        raise ValidationError(f"{path}: hash: {digest!r} is not 64 lowercase hex digits")
    mac = obj.get("mac")
    if mac is not None and (not isinstance(mac, str) or not _HEX64.match(mac)):
        raise ValidationError(f"{path}: mac: {mac!r} is not 64 lowercase hex digits")
    return Anchor(digest, position, mac, source=str(path))


class AnchorWriter:
    """Rewrites the anchor file with the head after each committed append (atomically: a
    reader sees the old or the new head, never half a file). Within a process the file only
    moves forward; a MAC under the chain key, when there is one, makes a forged file show."""

    def __init__(self, path: Path, key: bytes | None) -> None:
        self.path = path
        self.key = key
        self._lock = threading.Lock()
        self._position = 0
        self._tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")

    def write(self, position: int, digest: str, recorded_at: str) -> None:
        with self._lock:
            if position <= self._position:
                return
            body: dict[str, object] = {
                "position": position,
                "hash": digest,
                "recorded_at": recorded_at,
            }
            if self.key is not None:
                body["mac"] = anchor_mac(self.key, position, digest)
            try:
                self._tmp.write_text(json.dumps(body, sort_keys=True) + "\n", encoding="utf-8")
                os.replace(self._tmp, self.path)
            except OSError as exc:
                # The append is committed: failing it now would make the caller retry what is
                # already in the log. The next append writes the anchor again.
                log.error("cannot write the anchor %s: %s", self.path, exc)
                return
            self._position = position


@dataclass(frozen=True)
class Integrity:
    """The integrity settings the store and verify use (built from `[integrity]`)."""

    key: bytes | None = None
    key_env: str | None = None
    anchor_path: Path | None = None

    @property
    def keyed(self) -> bool:
        """A key is configured (whether or not its variable is set here)."""
        return self.key_env is not None

    def require_key(self) -> bytes:
        """The key for appending to a keyed log: appending unkeyed events would weaken it."""
        if self.key is None:
            raise ConfigError(
                f"integrity.key_env: ${self.key_env} is not set (or empty): refusing to append "
                "to a keyed log without its key"
            )
        return self.key
