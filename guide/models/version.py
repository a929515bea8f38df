"""The content version: one number that every edit moves on, shared by every process."""

import hashlib
import time
from functools import lru_cache
from typing import NamedTuple

from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone

# Sent once an edit has committed (once per transaction, however many rows changed), before
# the edit completes: what is built from the content (the search index) subscribes.
content_committed = Signal()

# How long a process trusts the content version it read (seconds): see ContentVersion.
VERSION_LEASE = 0.1


class ContentVersion(models.Model):
    """One row whose number grows on every change to the content.

    It lives in the database so that every app-server process sees the same number:
    whatever caches pages keys them on it, and an edit shows on the next request. Each
    process reads it at most once per `VERSION_LEASE` (every request for a reading page
    asks), and stays exact because an edit waits: once a bump commits, the edit does not
    complete (the editor's response, a command's exit) until `VERSION_LEASE` has passed,
    so a version read before the commit has expired in every process and node by then.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    indexed_version = models.BigIntegerField(
        default=-1, help_text="The version the search index was last built for."
    )

    # This process's lease: (the version read, until when it is trusted, monotonic).
    _lease: "tuple[Version, float] | None" = None

    def __str__(self):
        return f"Content version {self.version}"

    @classmethod
    def bump(cls) -> None:
        """Move every process and node on to a new version. Once the change commits,
        `announce_commit` runs (once per transaction, however many rows changed)."""
        updated = cls.objects.filter(pk=1).update(
            version=models.F("version") + 1, changed_at=timezone.now()
        )
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"version": 1})
        cls.forget_lease()  # this process reads its own change at once
        # Django keeps no public list of what runs on commit; this is the one it runs.
        if all(callback is not announce_commit for _, callback, _ in connection.run_on_commit):
            # A failure is logged: the edit itself has committed and stands.
            transaction.on_commit(announce_commit, robust=True)

    @classmethod
    def current(cls) -> "Version":
        """The current version: this process's lease while it lasts, else one primary-key
        read below the ORM. Inside a transaction (an edit's own) it is always read."""
        lease = cls._lease
        in_transaction = connection.in_atomic_block
        if lease is not None and not in_transaction and time.monotonic() < lease[1]:
            return lease[0]
        # The lease runs from before the read, so it never outlasts a commit it missed
        # by more than VERSION_LEASE, however long the read waits.
        began = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT version, changed_at FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        version = Version(*row) if row else Version(0, "")
        if not in_transaction:
            cls._lease = (version, began + VERSION_LEASE)
        return version

    @classmethod
    def forget_lease(cls) -> None:
        """Read the version again on the next request (a bump here, or a test's cold start)."""
        cls._lease = None


def announce_commit() -> None:
    """After an edit commits: tell what is built from the content (`content_committed`:
    the search index is brought up to date, so that readers' searches only read), and wait
    out every process's lease on the version before the edit completes."""
    committed_at = time.monotonic()
    try:
        content_committed.send(sender=ContentVersion)
    finally:
        time.sleep(max(0.0, committed_at + VERSION_LEASE - time.monotonic()))


class Version(NamedTuple):
    """The content version: its number, and when it was bumped to it.

    What is kept for a version is keyed on both (`str`): a bump that was rolled back and
    a later one that reaches the same number differ in their time, so nothing rendered
    inside the rolled-back transaction can ever be served for the later one.
    """

    number: int
    changed_at: object  # as the database gives it: only ever written into a key

    def __str__(self) -> str:
        return version_name(self.number, self.changed_at)


@lru_cache(maxsize=16)
def version_name(number: int, changed_at: object) -> str:
    """A version's name in keys, worked out once per version (every request names it)."""
    if not number:
        return "0"  # no edit yet (the row may not exist): nothing to roll back
    stamp = hashlib.blake2b(str(changed_at).encode(), digest_size=4).hexdigest()
    return f"{number}-{stamp}"
