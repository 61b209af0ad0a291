"""What changed between two versions of a pair's agreement, term by term, as
old → new values in the words the agreement page uses ("How often: every two
weeks → weekly"). Works on versions already read: no query."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext, pgettext

from mentoring.dates import date_format
from partnerships.models import Agreement
from programs.models import Participant

from .pairs import Version


@dataclass(frozen=True)
class TermChange:
    """One term that differs: its name, and the value before and after. For a
    list of lines (the ground rules), the lines removed and added instead."""

    label: str
    old: str = ""
    new: str = ""
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return bool(self.removed or self.added)

    @property
    def is_long(self) -> bool:
        """Too long to read on one line beside the other value (what success means)."""
        return len(self.old) > 60 or len(self.new) > 60


@dataclass(frozen=True)
class VersionChanges:
    """One version and what changed from the version it is compared with."""

    agreement: Agreement
    compared_with: Agreement | None
    changes: list[TermChange]


def _minutes(n: int) -> str:
    return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}


def _date(day) -> str:
    return date_format(day, "j F Y") if day else ""


def _messages(welcome: bool) -> str:
    return gettext("Messages welcome") if welcome else gettext("Kept for the calls")


def _agenda(owner: str) -> str:
    if owner == Participant.Role.MENTOR:
        return gettext("Owned by the mentor")
    return gettext("Owned by the protégé")


def _rules(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def term_changes(before: Agreement, after: Agreement) -> list[TermChange]:
    """The terms that differ between ``before`` and ``after``, in the order the
    page shows them; terms that did not change are left out."""
    changes: list[TermChange] = []

    def compare(label: str, old: str, new: str) -> None:
        if old != new:
            changes.append(TermChange(label=label, old=old, new=new))

    compare(gettext("How often"), before.cadence_text, after.cadence_text)
    compare(gettext("Call length"), _minutes(before.call_minutes), _minutes(after.call_minutes))
    for (label, old), (_label, new) in zip(before.time_boxes, after.time_boxes, strict=True):
        compare(label, _minutes(old), _minutes(new))
    compare(gettext("How you meet"), before.get_method_display(), after.get_method_display())
    compare(gettext("Where you meet"), before.location or "", after.location or "")
    compare(gettext("Between calls"), _messages(before.async_welcome), _messages(after.async_welcome))
    compare(gettext("Agenda"), _agenda(before.agenda_owner), _agenda(after.agenda_owner))
    old_rules, new_rules = _rules(before.ground_rules), _rules(after.ground_rules)
    if old_rules != new_rules:
        removed = [rule for rule in old_rules if rule not in new_rules]
        added = [rule for rule in new_rules if rule not in old_rules]
        if removed or added:
            changes.append(TermChange(label=gettext("Ground rules"), removed=removed, added=added))
        else:  # the same rules in another order
            changes.append(
                TermChange(
                    label=gettext("Ground rules"),
                    old=pgettext("ground rules", "in the earlier order"),
                    new=pgettext("ground rules", "reordered"),
                )
            )
    compare(gettext("First review"), _date(before.first_review_on), _date(after.first_review_on))
    compare(gettext("End"), _date(before.ends_on), _date(after.ends_on))
    compare(gettext("What success means"), (before.success or "").strip(), (after.success or "").strip())
    return changes


def version_changes(versions: Iterable[Version], *, in_force: Agreement | None) -> list[VersionChanges]:
    """Each version of the history (newest first, as ``agreement_page`` reads
    them) with what changed: a proposal still waiting against the version in
    force, as the person accepting it needs; every other version against the
    one before it. The first version has nothing to compare with."""
    agreements = [v.agreement for v in versions]
    rows = []
    for agreement, older in zip(agreements, [*agreements[1:], None], strict=False):
        base = older
        if agreement.status == Agreement.Status.PROPOSED and in_force is not None:
            base = in_force
        rows.append(
            VersionChanges(
                agreement=agreement,
                compared_with=base,
                changes=term_changes(base, agreement) if base is not None else [],
            )
        )
    return rows
