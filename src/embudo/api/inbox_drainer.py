"""The server's background thread that applies queued intake batches no request is applying.

Two kinds are left to it (see `engine.inbox`): batches queued while a request
applied its own — the request hands its lease over (`take_over`) rather than
keep its client waiting, and this thread goes on while batches keep coming —
and those of an applier that died, whose lease has expired, found by a sweep
every `SWEEP_SECONDS`. A sweep leaves alone batches younger than `STRANDED`:
such a batch's own request may be about to apply it, and a client sending one
request at a time must find its data applied when answered. Each worker
process runs one; they take turns through the lease.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from queue import Empty, Queue

from sqlalchemy import Engine

from embudo.engine.inbox import Applier, drain
from embudo.engine.opened_workspaces import OpenedWorkspaces

SWEEP_SECONDS = 5.0
IDLE_SECONDS = 0.1
STRANDED = timedelta(seconds=2)
CLOSE_SECONDS = 30.0

_log = logging.getLogger(__name__)


class InboxDrainer:
    """One daemon thread per process: sweeping while the app's lifespan runs (`start`), or
    started by `take_over` for the handed work only (an app served without its lifespan)."""

    def __init__(
        self,
        engine: Engine,
        opened: OpenedWorkspaces,
        clock: Callable[[], datetime],
        interval: float = SWEEP_SECONDS,
    ) -> None:
        self.engine = engine
        self.opened = opened
        self.clock = clock
        self.interval = interval
        self._handed: Queue[Applier | None] = Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._sweeping = False
        self._closed = False

    def start(self) -> None:
        """Sweep for stranded batches until `close`, besides applying what is handed over."""
        with self._lock:
            self._sweeping = True
            self._ensure_thread()

    def take_over(self, applier: Applier) -> None:
        """Go on applying under `applier`'s lease, for a request that answers its client now."""
        with self._lock:
            self._handed.put(applier)
            self._ensure_thread()

    def close(self, timeout: float = CLOSE_SECONDS) -> None:
        """Stop with the app; a round under way ends first (or is rolled back with the process,
        its batches left queued for another)."""
        with self._lock:
            self._closed = True
            thread = self._thread
        self._handed.put(None)
        if thread is not None:
            thread.join(timeout)

    def _ensure_thread(self) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name="inbox", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stopping(handed := self._wait()):
            try:
                self._apply(handed)
            except Exception:
                _log.exception("applying queued intake batches failed; the next sweep tries again")

    def _wait(self) -> Applier | None:
        """The next applier handed over, or None when it is time to sweep."""
        try:
            return self._handed.get(timeout=self.interval if self._sweeping else IDLE_SECONDS)
        except Empty:
            return None

    def _stopping(self, handed: Applier | None) -> bool:
        """Closed, or nothing handed to a thread that does not sweep: the thread ends, letting
        go of a lease handed to it too late."""
        with self._lock:
            stop = self._closed or (handed is None and not self._sweeping)
            if stop:
                self._thread = None
        if stop and handed is not None:
            handed.release()
        return stop

    def _apply(self, handed: Applier | None) -> None:
        if handed is None:
            drain(self.engine, self.opened, self.clock, self.clock() - STRANDED)
            return
        try:
            handed.keep_applying(self.clock)
        except BaseException:
            handed.release()
            raise
