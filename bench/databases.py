"""Temporary databases for benchmarks: one migrated template, fresh copies of it, all dropped at the end.

SQLite files in a temporary folder by default; PostgreSQL databases (created from a template)
when DATABASE_URL points at a server.
"""

import os
import shutil
import tempfile
import uuid
from pathlib import Path


def use_database(url: str) -> None:
    """Point Django's default connection at `url`, whether or not Django is set up already."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django
    from django.apps import apps
    if not apps.ready:
        django.setup()
    from django.db import connections

    from fangkong.settings import database_setting  # reads DATABASE_URL each time it is called
    connections.close_all()
    connections.settings["default"] = connections.configure_settings({"default": database_setting()})["default"]
    try:
        del connections["default"]
    except AttributeError:
        pass  # no connection made yet in this thread


class TempDatabases:
    def __init__(self, base_url: str, prefix: str = "fangkong_bench"):
        self.base_url = base_url
        self.postgres = base_url.startswith(("postgres://", "postgresql://"))
        self.folder = Path(tempfile.mkdtemp(prefix=prefix.replace("_", "-") + "-"))
        self.template = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = []
        self.copies = 0

    def url(self, name: str) -> str:
        if self.postgres:
            return f"{self.base_url.rpartition('/')[0]}/{name}"
        return f"sqlite:///{self.folder / (name + '.sqlite3')}"

    def _admin(self, sql: str) -> None:
        import psycopg
        with psycopg.connect(self.base_url, autocommit=True) as conn:
            conn.execute(sql)

    def migrated_template(self) -> str:
        """Create and migrate the template, and leave Django connected to it; returns its URL."""
        from django.core.management import call_command
        if self.postgres:
            self._admin(f'CREATE DATABASE "{self.template}"')
            self.created.append(self.template)
        use_database(self.url(self.template))
        call_command("migrate", verbosity=0, interactive=False)
        return self.url(self.template)

    def fresh(self, label: str | None = None) -> str:
        """A copy of the template as it is now; returns its URL (Django is not switched to it)."""
        from django.db import connections
        # nobody may be connected to a PostgreSQL template; closing SQLite checkpoints its WAL into the file
        connections.close_all()
        self.copies += 1
        name = f"{self.template}_{label or self.copies}"
        if self.postgres:
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            self.created.append(name)
        else:
            shutil.copy(self.folder / f"{self.template}.sqlite3", self.folder / f"{name}.sqlite3")
        return self.url(name)

    def drop(self) -> None:
        from django.db import connections
        connections.close_all()
        for name in reversed(self.created):
            self._admin(f'DROP DATABASE IF EXISTS "{name}"')
        shutil.rmtree(self.folder, ignore_errors=True)
