"""Every SQLite connection in WAL mode, as Pronto's own are."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def wal(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            # Pronto's durability on SQLite: WAL with synchronous=NORMAL.
            cursor.execute("PRAGMA synchronous=NORMAL")


class YardstickConfig(AppConfig):
    name = "yardstick"

    def ready(self):
        connection_created.connect(wal)
