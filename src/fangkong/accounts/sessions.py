"""Django's database sessions, each session's row kept in this worker process for a few seconds.

Reading the session row was the costliest part of a logged-in request after the user (now in
`user_cache`). A session saved, cycled (login) or deleted (logout) in this process is forgotten at
once; one deleted or changed by another worker process is seen there within
`user_cache.CACHE_SECONDS`, the same bound as a deactivated user. An expired session is never
served from the cache.
"""

import threading
import time

from django.contrib.sessions.backends import db
from django.utils import timezone

from . import user_cache

# session key → (monotonic time read, the Session row)
_rows: dict[str, tuple[float, object]] = {}
_lock = threading.Lock()


def forget(session_key: str | None) -> None:
    with _lock:
        _rows.pop(session_key, None)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        hit = _rows.get(key) if key else None
        fresh = hit is not None and time.monotonic() - hit[0] < user_cache.CACHE_SECONDS
        if fresh and hit[1].expire_date > timezone.now():
            return hit[1]
        read_at = time.monotonic()
        row = super()._get_session_from_db()
        with _lock:
            if row is None:
                _rows.pop(key, None)
            else:
                if len(_rows) > 4096:
                    _rows.clear()
                _rows[key] = (read_at, row)
        return row

    def save(self, must_create=False):
        forget(self.session_key)
        super().save(must_create=must_create)
        forget(self.session_key)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        super().delete(session_key)
        forget(key)
