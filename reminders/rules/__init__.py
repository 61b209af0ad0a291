"""What is due: one module per kind of reminder (``checkins``, ``agreements``,
``stalls`` for nudges and stall flags, ``homework``, ``ratings``, ``surveys``),
each rule a set-based query for the partnerships (or proposals) where something
is due now and not yet in the ledger, and a little Python over just those rows to name
each reminder (a ``common.Decision``).

None of them loops over every partnership: the query narrows to what is due
(the cadence thresholds are compared in SQL, per cadence), and excludes what
the ledger already holds. The ledger's unique key is the real guard against
doubles (``services.scan.reminders_scan`` inserts with ON CONFLICT DO NOTHING).
``RULES`` are the rules the scan runs, in order."""

from . import agreements, checkins, homework, ratings, stalls, surveys
from .common import Rule

RULES: list[Rule] = [
    checkins.check_in,
    checkins.expected_check_in,
    agreements.agreement_pending,
    stalls.nudge_and_stall,
    homework.homework,
    ratings.rating,
    surveys.survey,
    surveys.survey_again,
]
