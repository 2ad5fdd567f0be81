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
- **missing** — its first computation is claimed (a pending row) and handed
  to the same background thread; the request waits for it at most `wait`
  (`EMBUDO_REPORT_WAIT`, 2 s), shared by all the results of one page
  (`Visit`), so a small store still shows figures at once. Past that, the
  page shows the same report's latest result for an earlier day, if the
  caller names one (`stand_ins`: a new day changes the period's last day,
  so the key), as stale; else a placeholder (`Cached.computing`). The page
  asks again until the result is stored. A first computation that fails is
  stored as a failure (`Cached.failure`, logged) and shown in place; it is
  tried again as a stale result would be (the data changed, or it aged).

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
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from queue import Queue
from typing import Any

from sqlalchemy import Engine

from embudo.store.report_cache import (
    FAILED,
    CacheEntry,
    CacheKey,
    claim_first,
    claim_refresh,
    data_version,
    drop_pending,
    latest_result,
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
WAIT_SECONDS = 2.0
"""How long a request waits for a missing result before showing a placeholder instead."""
FAILURE_LENGTH = 500
"""The most of a failure's message kept in its row (the log has all of it)."""

Compute = Callable[[], Any]
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Cached:
    """A value, the moment it was computed, and whether a newer one is being computed.

    No value (`None`) while the first computation runs (`computing`), or when
    it failed (`failure` says what went wrong, `as_of` when).
    """

    value: Any
    as_of: datetime | None
    refreshing: bool
    failure: str | None = None

    @property
    def computing(self) -> bool:
        """Whether there is nothing to show yet but a placeholder."""
        return self.value is None and self.failure is None


COMPUTING = Cached(None, None, refreshing=True)


@dataclass(frozen=True, slots=True)
class Visit:
    """One page's reading of the cache: the data version, the moment, and until when (a
    `time.monotonic()` instant) it may wait for missing results, all of them together."""

    version: str
    now: datetime
    until: float


@dataclass(frozen=True, slots=True)
class _Job:
    key: CacheKey
    now: datetime
    compute: Compute
    first: bool
    """Claimed already, as a pending row."""
    records_failure: bool
    """A failure is stored in place of the result (there is none to keep), not just logged."""
    done: threading.Event


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
        wait: float = WAIT_SECONDS,
    ) -> None:
        self.engine = engine
        self.max_age = max_age
        self.min_interval = min_interval
        self.wait_seconds = wait
        self._jobs: Queue[_Job | None] = Queue()
        self._pending: dict[tuple[int, str], threading.Event] = {}
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._closed = False

    def version(self) -> str:
        """The store's data version now."""
        with self.engine.connect() as conn:
            return data_version(conn)

    def visit(self, now: datetime) -> Visit:
        """Begin a page: its data version (read once, for every result it shows) and how long
        it may wait for the results that are missing."""
        return Visit(self.version(), now, time.monotonic() + self.wait_seconds)

    def read(
        self, key: CacheKey, visit: Visit, compute: Compute, stand_ins: Sequence[CacheKey] = ()
    ) -> Cached:
        """The value for `key` (fresh if stored at the visit's version); when none is stored,
        computed in the background and waited for until the visit's limit, else the latest
        of `stand_ins` (stale), else `COMPUTING`."""
        with self.engine.connect() as conn:
            entry = read_entry(conn, key)
        if entry is None or entry.pending:
            return self._first(key, visit, compute, stand_ins)
        return self._shown(key, entry, visit, compute)

    def wait(self) -> None:
        """Block until every computation asked for so far is done; raise the last failure
        of a recomputation (a first computation's failure is stored, and shown)."""
        self._jobs.join()
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def close(self, timeout: float = CLOSE_SECONDS) -> None:
        """Stop with the app: drop the computations not begun, let the running one end.

        One still running after `timeout` seconds is abandoned with the process;
        its claim lapses after `CLAIM_TIMEOUT` and another process takes it over.
        """
        with self._lock:
            self._closed = True
            worker = self._worker
        if worker is not None:
            self._jobs.put(None)
            worker.join(timeout)

    def _shown(self, key: CacheKey, entry: CacheEntry, visit: Visit, compute: Compute) -> Cached:
        """A stored result (or failure), recomputed in the background when stale."""
        age = visit.now - entry.computed_at
        fresh = entry.data_version == visit.version and age < self.max_age
        refreshing = not fresh and age >= self.min_interval
        failure = entry.failure
        if refreshing:
            self._enqueue(key, visit.now, compute, first=False, failure=failure is not None)
        if failure is not None:
            return Cached(None, entry.computed_at, refreshing, failure=failure)
        return Cached(decode(entry.result), entry.computed_at, refreshing=refreshing)

    def _first(
        self, key: CacheKey, visit: Visit, compute: Compute, stand_ins: Sequence[CacheKey]
    ) -> Cached:
        """Start (or join) the first computation of `key`, wait for it until the visit's limit,
        and show what there is then."""
        done = self._start_first(key, visit.now, compute)
        ended = done is None or done.wait(max(0.0, visit.until - time.monotonic()))
        with self.engine.connect() as conn:
            entry = read_entry(conn, key) if ended else None
            if entry is not None and not entry.pending:
                return self._shown(key, entry, visit, compute)
            stand_in = latest_result(conn, key.workspace_id, stand_ins) if stand_ins else None
        if stand_in is None:
            return COMPUTING
        return Cached(decode(stand_in.result), stand_in.computed_at, refreshing=True)

    def _start_first(
        self, key: CacheKey, now: datetime, compute: Compute
    ) -> threading.Event | None:
        """The event set when `key`'s first computation ends: this process's, claimed now or
        before; None when another process holds the claim (or the app is closing)."""
        with self._lock:
            running = self._pending.get((key.workspace_id, key.key))
            if running is not None or self._closed:
                return running
        with for_writing(self.engine).begin() as conn:
            if not claim_first(conn, key, now, CLAIM_TIMEOUT):
                return None
        return self._enqueue(key, now, compute, first=True, failure=True)

    def _enqueue(
        self, key: CacheKey, now: datetime, compute: Compute, *, first: bool, failure: bool
    ) -> threading.Event | None:
        """Queue `key`'s computation for the background thread, unless already queued."""
        with self._lock:
            if self._closed or (key.workspace_id, key.key) in self._pending:
                return self._pending.get((key.workspace_id, key.key))
            done = threading.Event()
            self._pending[(key.workspace_id, key.key)] = done
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="report-cache", daemon=True)
                self._worker.start()
        self._jobs.put(_Job(key, now, compute, first, failure, done))
        return done

    def _work(self) -> None:
        """The background thread: one computation at a time, until `close` (daemon: exit
        never waits on it)."""
        while (job := self._jobs.get()) is not None:
            try:
                if not self._closed:
                    self._refresh(job)
                elif job.first:
                    with for_writing(self.engine).begin() as conn:
                        drop_pending(conn, job.key)
            except Exception as error:
                _log.exception("recomputing the cached %s report failed", job.key.report)
                self._failure = error
            finally:
                with self._lock:
                    self._pending.pop((job.key.workspace_id, job.key.key), None)
                job.done.set()
                self._jobs.task_done()

    def _refresh(self, job: _Job) -> None:
        """Claim `key`'s row (a first computation's is claimed already), compute at the version
        read first, store; on failure, store it in place of a first result, else release.

        Storing the last one queued also deletes the results not read for `KEEP`.
        """
        key = job.key
        if not job.first:
            with for_writing(self.engine).begin() as conn:
                if not claim_refresh(
                    conn, key, job.now, CLAIM_TIMEOUT, min_interval=self.min_interval
                ):
                    return
        version = ""
        try:
            version = self.version()
            value = job.compute()
        except Exception as error:
            if not job.records_failure:
                with for_writing(self.engine).begin() as conn:
                    release_claim(conn, key)
                raise
            _log.exception("computing the %s report for the overview failed", key.report)
            failed = CacheEntry(version, job.now, FAILED + _described(error))
            with for_writing(self.engine).begin() as conn:
                store_entry(conn, key, failed)
            return
        with for_writing(self.engine).begin() as conn:
            store_entry(conn, key, CacheEntry(version, job.now, encode(value)))
            if self._last_pending(key):
                remove_unread(conn, job.now - KEEP)

    def _last_pending(self, key: CacheKey) -> bool:
        """Whether `key`'s is the only computation queued: results read with it on one page,
        still waiting their turn, would otherwise look unread and be deleted before it."""
        with self._lock:
            return set(self._pending) == {(key.workspace_id, key.key)}


def _described(error: Exception) -> str:
    """The failure's kind and message, as kept in its row."""
    return f"{type(error).__name__}: {error}"[:FAILURE_LENGTH]
