"""Writes for reminders, by feature: deciding, recording and sending them
(``scan``, ``send``, and what becomes of each row tried, ``outcomes``, within
the ``limits`` of time and tries), never lost while the mail server comes back
within ``limits.retry_horizon()``, never sent twice by us but for one message
per worker process killed mid-send (see the README's "Reminders"); and what a
person reads (``notifications``) and chooses (``preferences``).

- ``scan.reminders_scan`` (beat, every few minutes) decides what is due, writes one
  ledger row per reminder with ON CONFLICT DO NOTHING on the ledger's unique
  key, and enqueues the rows whose time has come, up to ``scan.SEND_BATCH`` ids per
  task, all in one transaction.
- ``send.reminders_send`` (the ``send_reminders`` task) claims a batch's rows with
  one conditional UPDATE … RETURNING, reads what their emails need in a fixed
  number of queries, checks each is still true and outside its recipient's
  quiet hours in their zone now, sends them over one SMTP connection and
  marks each one sent as soon as the server has accepted it.

How each failure ends (see also the functions' docstrings):
- a second scan or a second beat: the unique key drops the second insert (so
  only the scan that inserted a row enqueues it in ``scan._record``), and
  ``scan._enqueue_due`` locks the older rows it enqueues with SKIP LOCKED;
- a redelivered or duplicated task: the claim (pending → sending) matches
  none of the rows another task holds or has sent;
- a message the server refuses for now (4xx), or that cannot be built: it
  alone goes back to pending and comes back after a backoff while its batch
  goes on, and after ``limits.MAX_ATTEMPTS`` tries it is ``failed``, with the
  error, for admins; refused for good (5xx): ``failed`` at once;
- no SMTP server to talk to (or one that broke off before the message was
  written): the rest of the batch goes back without spending a try, until
  ``limits.retry_horizon()`` after its time;
- the line broken after the message was written, before an answer: the
  server may have it, so it is ``unknown`` and not resent (admins see it);
- the database lost right after the server's "250": the worker retries the
  write until it is back (``outcomes.record_sent``) and sends nothing else
  meanwhile;
- one rule or one row that cannot be read (a stored time beyond Python's
  years): that rule or row alone is skipped or failed, and logged;
- a server so slow that a batch would near the task's time limit: after
  ``limits.send_budget()`` the batch hands the rows it has not tried to a new
  task;
- a process that dies between commit and publish: the rows stay pending and a
  later scan enqueues them again (``limits.requeue_after()``);
- a worker killed while it held a message it had not started: as above;
- a worker killed after its claim: the batch's claims go stale after
  ``limits.claim_lease()`` and a later scan hands their rows to another
  worker; each claim counts as a try, so a row whose workers keep dying ends ``failed``.
  The only copy that can go twice is the one killed between the SMTP server's
  acceptance and the one-statement commit that follows it: one per killed
  process, since a worker holds at most one accepted, unrecorded message, and
  it goes with the same Message-ID.
"""
