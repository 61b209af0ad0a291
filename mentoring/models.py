"""The ledger of emails that must go once (``mentoring.mail.send_once``).

Exactly once, as far as a mail server allows, and never lost:
- ``send_once`` claims the row in a transaction before sending: an
  ``INSERT … ON CONFLICT DO NOTHING`` on the unique key, then ``SELECT … FOR
  UPDATE`` of the row. A second sender of the same key (a retried or doubled
  task) waits on that row until the first one's transaction ends.
- It sends while it holds the row, marks it sent (``sent_at``) and commits.
  The waiting sender then finds it sent and sends nothing.
- A send that fails, or a process that dies before the commit, rolls the
  claim back: the row is not sent, so the task's retry sends it. Nothing
  claimed is ever lost.
- The window this leaves is at-least-once, not at-most-once: a process killed
  (or a database lost) after the mail server accepted the message and before
  the commit sends it again on retry, with the same Message-ID (built from
  the key), so mail clients can tell it is the same email. We chose that
  over at-most-once, where the same crash would lose the email for good.
"""

from django.db import models
from django.utils import timezone

from .bounds.text import SingleLineCharField


class SentEmail(models.Model):
    """One email that must go once: its key (e.g. ``match-<partnership>-<user>``),
    written before it is sent, and ``sent_at`` once the server took it."""

    key = SingleLineCharField(max_length=200)
    kind = SingleLineCharField(max_length=100)  # the template set: templates/email/<kind>/
    recipient = models.EmailField(max_length=254)
    # Null while claimed and not yet sent: only seen inside the claiming transaction.
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # The claim: mail.send_once's INSERT … ON CONFLICT DO NOTHING and its lookup by key.
            models.UniqueConstraint(fields=["key"], name="sent_email_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.key})"
