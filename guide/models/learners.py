"""What learners keep: guests, their ticks, notes and public progress links."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from guide.models.content import ChecklistItem, RoadmapStage


def new_guest_token() -> str:
    return secrets.token_urlsafe(32)


class Guest(models.Model):
    """A learner without an account: known by a random token kept in their session."""

    token = models.CharField(max_length=64, unique=True, default=new_guest_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(
        default=timezone.now, help_text="Guests not seen for a while are deleted (clear_guests)."
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"a guest since {self.created_at:%Y-%m-%d}"  # never the token


class Completion(models.Model):
    """A learner ticked a checklist item: one row per learner (an account or a guest) and item."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="completions",
    )
    guest = models.ForeignKey(
        Guest, on_delete=models.CASCADE, null=True, blank=True, related_name="completions"
    )
    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.PROTECT,
        related_name="completions",
        help_text="Items that learners have ticked cannot be deleted; unpublish them instead.",
    )
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["completed_at"]
        verbose_name = "learner tick"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, guest__isnull=True)
                | Q(user__isnull=True, guest__isnull=False),
                name="%(app_label)s_%(class)s_one_owner",
            ),
            models.UniqueConstraint(
                fields=["user", "item"],
                condition=Q(user__isnull=False),
                name="%(app_label)s_%(class)s_unique_user_item",
            ),
            models.UniqueConstraint(
                fields=["guest", "item"],
                condition=Q(guest__isnull=False),
                name="%(app_label)s_%(class)s_unique_guest_item",
            ),
        ]

    def __str__(self):
        return f"a tick on “{self.item}”"  # never who ticked it: that stays private


class StageNote(models.Model):
    """A learner's private note on a roadmap stage."""

    MAX_LENGTH = 1000

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stage_notes"
    )
    stage = models.ForeignKey(RoadmapStage, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "stage"], name="%(app_label)s_%(class)s_unique_user_stage"
            ),
        ]

    def __str__(self):
        return f"{self.user}'s note on {self.stage}"


def new_share_token() -> str:
    return secrets.token_urlsafe(32)


class ProgressShare(models.Model):
    """A learner's public progress link, turned on by the learner: on while the row exists.

    The token is the whole secret: a new one replaces the old, which stops working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_share"
    )
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown on the public page; empty: “A learner”."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "public progress link"

    def __str__(self):
        return f"a public progress link since {self.created_at:%Y-%m-%d}"  # never the token

    def get_absolute_url(self):
        return reverse("guide:shared-progress", args=[self.token])
