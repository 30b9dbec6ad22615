from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fangkong.core import backups


class Command(BaseCommand):
    help = ("Restore a backup made by `fangkong backup` into the configured database (DATABASE_URL), upload folder "
            f"and FANGKONG_VAR/digest_key. Passphrase: --passphrase-file FILE or {backups.PASSPHRASE_ENV}. "
            "Refuses a database or upload folder that is not empty unless --force.")

    def add_arguments(self, parser):
        parser.add_argument("backup", help="the backup file")
        parser.add_argument("--passphrase-file", help="a file whose first line is the passphrase")
        parser.add_argument("--force", action="store_true",
                            help="replace a database that is not empty (its tables are dropped) and set aside the "
                                 "upload folder and digest key found")

    def handle(self, *args, backup, passphrase_file, force, **opts):
        try:
            done = backups.restore(Path(backup), backups.read_passphrase(passphrase_file), force=force)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = done.manifest
        self.stdout.write(f"restored the {manifest['vendor']} database of {manifest['created_at']} "
                          f"({manifest.get('made_by', '')}), {done.media_files} uploaded file(s)"
                          + (", the digest key" if done.key_written else ""))
        for path in done.set_aside:
            self.stdout.write(f"kept what was there before as {path}")
        if done.needs_migrate:
            self.stdout.write("the backup predates this version: run `fangkong migrate` before serving")
