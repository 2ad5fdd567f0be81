"""The overview's figures as computed results, refreshed in the background (stale-while-revalidate).

Reports at a million contacts take seconds to minutes, so the overview shows
the last stored result (`store.report_cache`, shared by every worker process)
with the moment it was computed ("as of"):

- **fresh** — stored at the store's current data version and younger than
  `max_age` (reports also depend on the clock: an MQL becomes overdue
  without any write): shown as it is;
- **stale** — the data changed or it aged: shown as it is, marked as being
  refreshed, while one background thread of this process recomputes it (one
  recomputation per result across processes: the row is claimed first) —
  unless it was computed less than `min_interval` ago: continuous ingestion
  changes the data version every second, and recomputing back to back would
  keep a core busy for figures nobody could tell apart; it is shown as it is;
- **missing** — computed in the request and stored: the only slow request.

The version is read before computing, so a write that lands during the
computation leaves the stored result stale, never wrongly fresh. Each
recomputation also deletes results not read for `KEEP` (a read older than
`max_age` recomputes, so an old `computed_at` means unread): past days' and
forgotten filters' rows do not pile up.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from queue import Queue
from typing import Any

from sqlalchemy import Engine

from embudo.store.report_cache import (
    CacheEntry,
    CacheKey,
    claim_refresh,
    data_version,
    read_entry,
    release_claim,
    remove_unread,
    store_entry,
)
from embudo.store.session import for_writing
from embudo.web.stored_values import decode, encode

MAX_AGE = timedelta(minutes=10)
MIN_INTERVAL = timedelta(seconds=60)
"""The least time between two computations of one result, however often the data changes."""
KEEP = timedelta(days=7)
"""A result not read (so not recomputed) for this long is deleted."""
CLAIM_TIMEOUT = timedelta(minutes=30)
"""A claim older than this is taken over: its process died, or its recomputation never ended."""
CLOSE_SECONDS = 10.0
"""How long the app's shutdown waits for a recomputation that is running."""

Compute = Callable[[], Any]
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Cached:
    """A value, the moment it was computed, and whether a newer one is being computed."""

    value: Any
    as_of: datetime
    refreshing: bool


def cache_key(workspace_id: int, report: str, params: dict[str, Any]) -> CacheKey:
    """The key of `report` run with `params` (their JSON) in the workspace."""
    text = json.dumps(params, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(f"{report}\n{text}".encode()).hexdigest()
    return CacheKey(workspace_id, digest, report, text)


class ReportCache:
    """The app's cache of report results, over its store; one background thread per process."""

    def __init__(
        self,
        engine: Engine,
        max_age: timedelta = MAX_AGE,
        min_interval: timedelta = MIN_INTERVAL,
    ) -> None:
        self.engine = engine
        self.max_age = max_age
        self.min_interval = min_interval
        self._jobs: Queue[tuple[CacheKey, datetime, Compute] | None] = Queue()
        self._pending: set[tuple[int, str]] = set()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._closed = False

    def version(self) -> str:
        """The store's data version now: read once per page, for every result it shows."""
        with self.engine.connect() as conn:
            return data_version(conn)

    def read(self, key: CacheKey, now: datetime, compute: Compute, version: str) -> Cached:
        """The value for `key` (fresh if stored at `version`), or computed now if none is stored."""
        with self.engine.connect() as conn:
            entry = read_entry(conn, key)
        if entry is None:
            value = compute()
            self._store(key, CacheEntry(version, now, encode(value)))
            return Cached(value, now, refreshing=False)
        age = now - entry.computed_at
        fresh = entry.data_version == version and age < self.max_age
        refreshing = not fresh and age >= self.min_interval
        if refreshing:
            self._refresh_later(key, now, compute)
        return Cached(decode(entry.result), entry.computed_at, refreshing=refreshing)

    def wait(self) -> None:
        """Block until every recomputation asked for so far is done; raise the last failure."""
        self._jobs.join()
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def close(self, timeout: float = CLOSE_SECONDS) -> None:
        """Stop with the app: drop the recomputations not begun, let the running one end.

        One still running after `timeout` seconds is abandoned with the process;
        its claim lapses after `CLAIM_TIMEOUT` and another process takes it over.
        """
        with self._lock:
            self._closed = True
            worker = self._worker
        if worker is not None:
            self._jobs.put(None)
            worker.join(timeout)

    def _store(self, key: CacheKey, entry: CacheEntry) -> None:
        with for_writing(self.engine).begin() as conn:
            store_entry(conn, key, entry)

    def _refresh_later(self, key: CacheKey, now: datetime, compute: Compute) -> None:
        with self._lock:
            if self._closed or (key.workspace_id, key.key) in self._pending:
                return
            self._pending.add((key.workspace_id, key.key))
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="report-cache", daemon=True)
                self._worker.start()
        self._jobs.put((key, now, compute))

    def _work(self) -> None:
        """The background thread: one recomputation at a time, until `close` (daemon: exit
        never waits on it)."""
        while (job := self._jobs.get()) is not None:
            key, now, compute = job
            try:
                if not self._closed:
                    self._refresh(key, now, compute)
            except Exception as error:
                _log.exception("recomputing the cached %s report failed", key.report)
                self._failure = error
            finally:
                with self._lock:
                    self._pending.discard((key.workspace_id, key.key))
                self._jobs.task_done()

    def _refresh(self, key: CacheKey, now: datetime, compute: Compute) -> None:
        """Claim `key`'s row, recompute at the version read first, store; release on failure.

        Storing the last one queued also deletes the results not read for `KEEP`.
        """
        with for_writing(self.engine).begin() as conn:
            if not claim_refresh(conn, key, now, CLAIM_TIMEOUT, min_interval=self.min_interval):
                return
        try:
            with self.engine.connect() as conn:
                version = data_version(conn)
            value = compute()
        except BaseException:
            with for_writing(self.engine).begin() as conn:
                release_claim(conn, key)
            raise
        with for_writing(self.engine).begin() as conn:
            store_entry(conn, key, CacheEntry(version, now, encode(value)))
            if self._last_pending(key):
                remove_unread(conn, now - KEEP)

    def _last_pending(self, key: CacheKey) -> bool:
        """Whether `key`'s is the only recomputation queued: results read with it on one page,
        still waiting their turn, would otherwise look unread and be deleted before it."""
        with self._lock:
            return self._pending == {(key.workspace_id, key.key)}
