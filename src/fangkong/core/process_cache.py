"""Values read from the database, kept for a few seconds in this worker process.

The hot paths read a few keys on every request: the signed-in user and their session, the
checkpoint of a queue, a place code, a destination region. Each is cached here for at most the
`max_age` its caller asks (read at call time, so a setting or a test may change it), and the caller
forgets a key when it changes it in this process (signals); another worker process sees the change
within `max_age`. All keys are dropped once `size` are held: these caches hold few, hot keys.
"""

import threading
import time
from collections.abc import Callable, Hashable


class ProcessCache:
    def __init__(self, size: int = 4096):
        self.size = size
        self._entries: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def fetch(self, key: Hashable, max_age: float, load: Callable[[], object], *, keep_none: bool = False):
        """The value under `key` if read less than `max_age` seconds ago, else `load()` now. None from
        `load` is kept only with `keep_none` (e.g. "no such checkpoint"); otherwise it is not cached and
        an older value is dropped."""
        hit = self._entries.get(key)
        if hit is not None and time.monotonic() - hit[0] < max_age:
            return hit[1]
        read_at = time.monotonic()
        value = load()
        with self._lock:
            if value is None and not keep_none:
                self._entries.pop(key, None)
            else:
                if len(self._entries) >= self.size:
                    self._entries.clear()
                self._entries[key] = (read_at, value)
        return value

    def forget(self, key: Hashable) -> None:
        """Drop the value under `key` (if any)."""
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        """Drop every value."""
        with self._lock:
            self._entries.clear()
