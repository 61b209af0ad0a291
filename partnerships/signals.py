"""What partnerships and the apps above them tell the apps above those of a
pair's changes, so no app below calls into an app above it."""

from django.dispatch import Signal

# Sent by every writer that changes what a pair's health numbers count (the
# health app, ``health.numbers``): a call logged, homework done, a rating round,
# an "is it working?" answer, an agreement coming into force (the calls the
# cadence expects), the pair's status (closing, which keeps the numbers it
# closed with). The next and last call are read from the partnership row as the
# label is worked out, so setting the next call alone sends nothing.
#
# Arguments: ``partnership_ids``, the pairs changed. Sent inside the writer's
# ``transaction.atomic()`` block and under the pair's row lock, after the write:
# a receiver's own writes commit or roll back with it, and an exception in a
# receiver rolls the write back (``send``, never ``send_robust``).
pair_changed = Signal()
