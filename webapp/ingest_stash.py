"""The ingest stash: previews kept server-side until they are confirmed or expire.

A preview is a folder named by an unguessable id, in a private folder of this
process (0700, made by mkdtemp, removed at exit); its inputs are files (0600)
written before its manifest, so a folder without a manifest is never read.
The manifest records who made the preview (a digest of their session's id),
when, the inputs' names and digest, and what the dry run promised. Previews
older than the time limit are deleted on every use of the stash, and the
stash refuses a preview that would take it past its size bound.

Versions before this one kept uploads in a shared, world-readable
`<temp>/screengraph-ingest`, never cleaned: the first private stash removes it when
it is ours (a folder, not a link, owned by this user).
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ID = re.compile(r"[0-9a-f]{32}")
_MANIFEST = "manifest.json"
OLD_SHARED_STASH = "screengraph-ingest"  # in the temporary folder, by versions before this


class StashError(Exception):
    """A preview cannot be kept or used; the message says what to do."""


class PreviewUnknown(StashError):
    pass


class PreviewIdMalformed(StashError):
    pass


class PreviewForeign(StashError):
    pass


class PreviewExpired(StashError):
    pass


class PreviewDamaged(StashError):
    pass


class StashFull(StashError):
    def __init__(self, message: str, retry_after_s: int):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class PreviewTooLarge(StashError):
    pass


@dataclass(frozen=True)
class StashedInput:
    name: str  # the source name the loader sees (and identifies listings by)
    data: bytes


@dataclass(frozen=True)
class Preview:
    id: str
    created: float
    fmt: str | None
    inputs: tuple[StashedInput, ...]
    outcome: dict[str, Any]  # what the dry run promised, compared at confirmation
    generation: int | str | None  # the store's write generation at preview time


def owner_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def inputs_digest(fmt: str | None, inputs: list[StashedInput] | tuple[StashedInput, ...]) -> str:
    digest = hashlib.sha256(json.dumps(fmt).encode())
    for item in inputs:
        for part in (item.name.encode("utf-8", "surrogatepass"), item.data):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


def check_id(preview_id: str) -> str:
    if not _ID.fullmatch(preview_id):
        shown = preview_id if len(preview_id) <= 40 else preview_id[:40] + "…"
        raise PreviewIdMalformed(
            f"{shown!r} is not a preview id (32 hexadecimal digits, as the "
            "preview page gives): preview the listing again."
        )
    return preview_id


class IngestStash:
    def __init__(
        self, root: Path, ttl_s: int, max_bytes: int, clock: Callable[[], float] = time.time
    ):
        self.root, self.ttl_s, self.max_bytes, self.clock = root, ttl_s, max_bytes, clock
        self._lock = threading.Lock()

    @classmethod
    def private(cls, ttl_s: int, max_bytes: int) -> IngestStash:
        """A stash in a new folder only this user can enter, removed when the process exits."""
        remove_old_shared_stash(Path(tempfile.gettempdir()))
        root = Path(tempfile.mkdtemp(prefix="screengraph-ingest-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        return cls(root, ttl_s, max_bytes)

    # -- keeping ----------------------------------------------------------------

    def put(
        self,
        session_id: str,
        fmt: str | None,
        inputs: list[StashedInput],
        outcome: dict[str, Any],
        generation: int | str | None,
    ) -> Preview:
        size = sum(len(item.data) for item in inputs)
        if size > self.max_bytes:
            raise PreviewTooLarge(
                f"These inputs take {_mb(size)}, more than the {_mb(self.max_bytes)} a preview "
                "may keep (SCREENGRAPH_INGEST_STASH_MAX_MB): load them in smaller parts."
            )
        with self._lock:
            kept = self._sweep()
            used = sum(size for _, size in kept)
            if used + size > self.max_bytes:
                oldest = min(created for created, _ in kept) if kept else self.clock()
                wait = max(1, int(oldest + self.ttl_s - self.clock()) + 1)
                raise StashFull(
                    f"The ingest stash is full: {_mb(used)} of previews wait for confirmation "
                    f"(the bound is {_mb(self.max_bytes)}, SCREENGRAPH_INGEST_STASH_MAX_MB). "
                    f"Try again in {wait} s, when older previews expire.",
                    wait,
                )
            preview = Preview(
                secrets.token_hex(16), self.clock(), fmt, tuple(inputs), outcome, generation
            )
            folder = self.root / preview.id
            folder.mkdir(mode=0o700)
            for index, item in enumerate(inputs):
                _write_private(folder / f"input-{index}", item.data)
            manifest = {
                "owner": owner_digest(session_id),
                "created": preview.created,
                "fmt": fmt,
                "names": [item.name for item in inputs],
                "digest": inputs_digest(fmt, inputs),
                "outcome": outcome,
                "generation": generation,
            }
            _write_private(folder / (_MANIFEST + ".part"), json.dumps(manifest).encode())
            os.replace(folder / (_MANIFEST + ".part"), folder / _MANIFEST)
        return preview

    # -- using ------------------------------------------------------------------

    def take(self, preview_id: str, session_id: str) -> Preview:
        """The preview, removed from the stash: it can be confirmed once."""
        folder = self.root / check_id(preview_id)
        with self._lock:
            try:
                manifest = json.loads((folder / _MANIFEST).read_text())
            except FileNotFoundError:
                raise PreviewUnknown(
                    "There is no such preview: it was already loaded, or it expired (previews "
                    f"are kept {self.ttl_s} s), or the server restarted since. "
                    "Preview the listing again."
                ) from None
            if not hmac.compare_digest(manifest["owner"], owner_digest(session_id)):
                raise PreviewForeign(
                    "This preview was made in another session; only the "
                    "session that made it can confirm it. Preview the listing "
                    "yourself."
                )
            if self._expired(manifest["created"]):
                shutil.rmtree(folder, ignore_errors=True)
                raise PreviewExpired(
                    f"This preview expired (previews are kept {self.ttl_s} s): "
                    "preview the listing again."
                )
            inputs = tuple(
                StashedInput(name, (folder / f"input-{index}").read_bytes())
                for index, name in enumerate(manifest["names"])
            )
            shutil.rmtree(folder, ignore_errors=True)
            self._sweep()
        if inputs_digest(manifest["fmt"], inputs) != manifest["digest"]:
            raise PreviewDamaged(
                "The stored inputs of this preview no longer match what was "
                "previewed: preview the listing again."
            )
        return Preview(
            preview_id,
            manifest["created"],
            manifest["fmt"],
            inputs,
            manifest["outcome"],
            manifest["generation"],
        )

    def sweep(self) -> None:
        with self._lock:
            self._sweep()

    def used_bytes(self) -> int:
        with self._lock:
            return sum(size for _, size in self._sweep())

    # -- housekeeping (callers hold the lock) -------------------------------------

    def _expired(self, created: float) -> bool:
        return self.clock() - created >= self.ttl_s

    def _sweep(self) -> list[tuple[float, int]]:
        """Delete expired and unfinished previews; (created, bytes) of the ones kept."""
        kept = []
        for folder in self.root.iterdir():
            try:
                created = float(json.loads((folder / _MANIFEST).read_text())["created"])
            except (OSError, ValueError, KeyError, TypeError):
                created = None  # never finished (puts hold the lock, so none is under way)
            if created is None or self._expired(created):
                shutil.rmtree(folder, ignore_errors=True)
            else:
                kept.append((created, sum(path.stat().st_size for path in folder.iterdir())))
        return kept


def remove_old_shared_stash(temp_root: Path) -> bool:
    """Delete `<temp_root>/screengraph-ingest` if this user's older versions made it; whether
    it was deleted. Anything else by that name (a link, a file, another user's folder) is
    left alone: it is not ours to remove."""
    folder = temp_root / OLD_SHARED_STASH
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    # Not through links planted inside it by others: rmtree works from open folders here.
    shutil.rmtree(folder, ignore_errors=True)
    return not os.path.lexists(folder)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
