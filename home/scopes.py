"""What a person's home shows, as a scope for the page cache
(``mentoring.page_cache``): a string that changes whenever the page would."""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from accounts.models import User
from partnerships.models import Partnership
from programs.models import Invitation, Participant, Program
from programs.models.programs import ProgramDomain
from programs.models.requests import MentorRequest, RequestStatus

# One statement, in plain SQL: on a page served from the cache, building three
# ORM queries cost more than the rest of the request. What it reads mirrors
# ``home_for`` (Partnership.objects.of), ``invitations_waiting_for``
# (programs.selectors.invitations) and the header's ``User.sees_programs``;
# tests/test_page_cache.py holds it to them.
_HOME_SCOPE_SQL = f"""
    WITH mine AS (SELECT id FROM {Participant._meta.db_table} WHERE user_id = %(me)s),
    create_programs AS (
        SELECT permission.id FROM {Permission._meta.db_table} permission
        JOIN {ContentType._meta.db_table} kind ON kind.id = permission.content_type_id
        WHERE kind.app_label = 'programs' AND permission.codename = 'add_program'
    ),
    pairs AS (
        -- two index lookups; an OR across both would scan every partnership
        SELECT id, page_version, next_call_at FROM {Partnership._meta.db_table}
         WHERE mentor_id IN (SELECT id FROM mine)
        UNION ALL
        SELECT id, page_version, next_call_at FROM {Partnership._meta.db_table}
         WHERE protege_id IN (SELECT id FROM mine)
    ),
    addresses AS (
        SELECT lower(email) AS address FROM {EmailAddress._meta.db_table}
        WHERE user_id = %(me)s AND verified
    ),
    waiting AS (
        SELECT invitation.id, invitation.role, invitation.expires_at,
               program.name AS program_name, inviter.display_name AS inviter_name,
               inviter.email AS inviter_email
        FROM {Invitation._meta.db_table} invitation
        JOIN {Program._meta.db_table} program ON program.id = invitation.program_id
        LEFT JOIN {Program.admins.field.related_model._meta.db_table} inviter
            ON inviter.id = invitation.invited_by_id
        WHERE lower(invitation.email) IN (SELECT address FROM addresses)
          AND invitation.accepted_at IS NULL AND invitation.revoked_at IS NULL
          AND invitation.expires_at > %(now)s
    )
    SELECT
        EXISTS (SELECT 1 FROM {Program.admins.through._meta.db_table} WHERE user_id = %(me)s)
        OR EXISTS (SELECT 1 FROM {User._meta.db_table} WHERE id = %(me)s AND is_superuser)
        OR EXISTS (SELECT 1 FROM {User.user_permissions.through._meta.db_table} given
                     WHERE given.user_id = %(me)s AND given.permission_id IN (SELECT id FROM create_programs))
        OR EXISTS (SELECT 1 FROM {User.groups.through._meta.db_table} member
                     JOIN {Group.permissions.through._meta.db_table} given ON given.group_id = member.group_id
                     WHERE member.user_id = %(me)s AND given.permission_id IN (SELECT id FROM create_programs)),
        (SELECT string_agg(id || '.' || page_version, ',' ORDER BY id) FROM pairs),
        (SELECT string_agg(
                    concat_ws('.', id, role, expires_at, program_name, inviter_name, inviter_email),
                    ',' ORDER BY id
                ) FROM waiting),
        (SELECT min(expires_at) FROM waiting),
        (SELECT min(next_call_at) FROM pairs WHERE next_call_at > %(now)s),
        -- what home.selectors.requests reads: each membership, its program's
        -- matching mode and name, and the open requests waiting for it
        (SELECT string_agg(
                    concat_ws('.', p.id, p.role, p.status, program.matching_mode, program.name,
                              (SELECT count(*) FROM {MentorRequest._meta.db_table} r
                                WHERE r.mentor_id = p.id AND r.status = '{RequestStatus.OPEN.value}')),
                    ',' ORDER BY p.id
                ) FROM {Participant._meta.db_table} p
                  JOIN {Program._meta.db_table} program ON program.id = p.program_id
                 WHERE p.user_id = %(me)s),
        -- what programs.selectors.join reads: the programs open to the domains
        -- of the person's verified addresses (their memberships are above)
        (SELECT string_agg(concat_ws('.', program.id, program.name, program.join_role, program.ends_on),
                           ',' ORDER BY program.id)
           FROM {Program._meta.db_table} program
          WHERE EXISTS (SELECT 1 FROM {ProgramDomain._meta.db_table} d
                         WHERE d.program_id = program.id
                           AND d.domain IN (SELECT split_part(address, '@', 2) FROM addresses)))
"""


def home_scope(user, *, now: datetime.datetime | None = None) -> tuple[str, datetime.datetime | None] | None:
    """``(scope, changes_at)`` for ``user``'s home, or None when it is not
    kept: for people who run programs, whose home counts their programs'
    people. The scope holds each of their partnerships' ``page_version``
    (everything of the pair's, both people included) and the invitations
    waiting for them as the page shows them, and their memberships as
    ``home.selectors.requests`` reads them (where to find a mentor, requests
    waiting for their answer), and the programs open to the domains of their
    verified addresses (``programs.selectors.join``); ``changes_at`` is when the first
    of those invitations expires or the first set next call starts, whichever
    comes first. One query, which also answers
    ``user.sees_programs`` for the header.

    What the page's to-do list and stages read (``home.selectors.facts``:
    homework, drafts, goals, suggestions, ratings, reflections, the
    agreement, the program's default cadence) all raises a pair's
    ``page_version``. What they read of the clock turns with the day in the
    viewer's zone (in the page's key), with a call turning late at midnight
    in its pair's zone (a quarter hour: no kept page outlives one) or with
    a set call's start (``changes_at``)."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_HOME_SCOPE_SQL, {"me": user.pk, "now": now})
        sees_programs, pairs, invitations, first_expiry, next_call, requests, joinable = cursor.fetchone()
    user.__dict__["sees_programs"] = sees_programs  # User.sees_programs, read by the header too
    if sees_programs:
        return None
    moments = [moment for moment in (first_expiry, next_call) if moment is not None]
    return f"home:{pairs}:{invitations}:{requests}:{joinable}", min(moments, default=None)
