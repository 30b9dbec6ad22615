"""Django's database sessions, each session's row kept in this worker process for a few seconds.

Reading the session row was the costliest part of a logged-in request after the user (now in
`user_cache`). A session saved, cycled (login) or deleted (logout) in this process is forgotten at
once; one deleted or changed by another worker process is seen there within
`user_cache.CACHE_SECONDS`, the same bound as a deactivated user. An expired session is never
served from the cache.
"""

from django.contrib.sessions.backends import db
from django.utils import timezone

from fangkong.core.process_cache import ProcessCache

from . import user_cache

# session key → the Session row
_rows = ProcessCache()


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        if not key:
            return super()._get_session_from_db()
        row = _rows.fetch(key, user_cache.CACHE_SECONDS, super()._get_session_from_db)
        if row is not None and row.expire_date <= timezone.now():
            _rows.forget(key)  # expired since it was read: the database would not return it either
            return None
        return row

    def save(self, must_create=False):
        _rows.forget(self.session_key)
        super().save(must_create=must_create)
        _rows.forget(self.session_key)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        super().delete(session_key)
        _rows.forget(key)
