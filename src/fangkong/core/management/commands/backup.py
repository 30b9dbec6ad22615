from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fangkong.core import backups, disk_full


class Command(BaseCommand):
    help = ("Back up the database, the ID digest key and the uploaded files into one file sealed with a passphrase "
            f"(--passphrase-file FILE, or the environment variable {backups.PASSPHRASE_ENV}). "
            "Writers may go on meanwhile: the database is copied as of one moment.")

    def add_arguments(self, parser):
        parser.add_argument("out", help="the backup file to write (must not exist)")
        parser.add_argument("--passphrase-file", help="a file whose first line is the passphrase")

    def handle(self, *args, out, passphrase_file, **opts):
        try:
            manifest = backups.write_backup(Path(out), backups.read_passphrase(passphrase_file))
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            if not disk_full.is_disk_full(exc):
                raise
            # write_backup removed its .partial file: say so rather than show a traceback
            raise CommandError(f"{out}: the disk is full ({exc.strerror}); nothing was kept: free some space, or "
                               "write the backup to another disk") from None
        self.stdout.write(f"{out}: {manifest['vendor']} database, digest key, {manifest['media_files']} uploaded "
                          f"file(s), as of {manifest['created_at']}")
