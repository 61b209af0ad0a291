"""The reasons behind a match score, in words: one line per criterion, the built-in
ones (in the order of `matching.Weights`) and then the program's own questions (in
the order of the criteria given), each led by its mark (`FITS` or `MISSES`).

Plain Python on profiles (`matching.MentorProfile`, `matching.ProtegeProfile`) and
criteria (`matching.Criterion`); no queries.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from django.utils.translation import gettext

from .matching_scores import METHOD_WORDS, WORKING_DAY_HOURS, cadence_fit, overlap_hours
from .models import MatchRule

CADENCE_WORDS = {
    "weekly": "weekly",
    "every_two_weeks": "every two weeks",
    "twice_a_month": "twice a month",
    "monthly": "monthly",
    "every_n_weeks": "every few weeks",
}

# A reason's mark: the pair fits on that criterion (it counts at least half its
# weight), or it does not. Each reason line starts with its mark and a space, so
# the words read the same wherever they are stored (a proposal's pair, a match).
FITS = "✓"
MISSES = "✗"
TIME_ZONE_FITS_HOURS = WORKING_DAY_HOURS / 2  # half a working day together
CADENCE_FITS = 0.75  # the same or a similar rate


class Reason(NamedTuple):
    """One reason as the board shows it: whether the pair fits on the criterion and the words."""

    fits: bool | None  # None: a line stored before reasons had marks
    text: str

    @classmethod
    def of(cls, line: str) -> "Reason":
        """A reason line (``reasons``) split into its mark and its words."""
        if line[:2] in (f"{FITS} ", f"{MISSES} "):
            return cls(line[0] == FITS, line[2:])
        return cls(None, line)


def marked(fits: bool, text: str) -> str:
    return f"{FITS if fits else MISSES} {text}"


def reasons(mentor, protege, criteria: Sequence = ()) -> list[str]:
    """One line per criterion: the built-in ones in the order of `Weights`, then one
    per `criteria` in their order, naming what the two share, each led by its mark."""
    return [
        _topic_reason(mentor, protege),
        _method_reason(mentor, protege),
        _cadence_reason(mentor, protege),
        _time_zone_reason(mentor, protege),
        _load_reason(mentor),
        *(_question_reason(criterion, mentor, protege) for criterion in criteria),
    ]


def _topic_reason(mentor, protege) -> str:
    if not protege.topics:
        return marked(False, f"{protege.name} has not chosen topics to work on")
    shared = sorted(mentor.topic_names.get(t, f"topic {t}") for t in mentor.topics & protege.topics)
    if not shared:
        return marked(False, "no topics in common")
    missing = len(protege.topics) - len(shared)
    also = f" ({missing} more sought topic{'s' if missing != 1 else ''} not offered)" if missing else ""
    return marked(len(shared) >= missing, f"offers {and_list(shared)}, which {protege.name} seeks{also}")


def _method_reason(mentor, protege) -> str:
    theirs, yours = ([METHOD_WORDS[m] for m in METHOD_WORDS if m in p.methods] for p in (mentor, protege))
    if not theirs or not yours:  # no preference counts as any way
        return marked(True, f"{mentor.name if not theirs else protege.name} has no preferred way to meet")
    shared = [m for m in theirs if m in yours]
    if shared:
        return marked(True, f"both prefer {and_list(shared, 'or')}")
    return marked(
        False,
        f"no shared way to meet: {mentor.name} prefers {and_list(theirs, 'or')}, "
        f"{protege.name} {and_list(yours, 'or')}",
    )


def _cadence_reason(mentor, protege) -> str:
    a, b = mentor.cadence, protege.cadence
    if a not in CADENCE_WORDS or b not in CADENCE_WORDS:  # no preference counts as any rate
        return marked(True, f"{protege.name if a in CADENCE_WORDS else mentor.name} has no preferred cadence")
    if a == b:
        return marked(True, f"both prefer to meet {CADENCE_WORDS[a]}")
    fit = cadence_fit(a, b)
    closeness = "similar" if fit >= CADENCE_FITS else "different" if fit > 0 else "far apart"
    return marked(
        fit >= CADENCE_FITS,
        f"{closeness} cadences: {mentor.name} prefers {CADENCE_WORDS[a]}, {protege.name} {CADENCE_WORDS[b]}",
    )


def _time_zone_reason(mentor, protege) -> str:
    hours = overlap_hours(mentor.utc_offset_hours, protege.utc_offset_hours)
    if hours == 0:
        return marked(False, "no working-day overlap")
    return marked(
        hours >= TIME_ZONE_FITS_HOURS, f"{hours:g} hour{'s' if hours != 1 else ''} of working-day overlap"
    )


def _load_reason(mentor) -> str:
    if mentor.free_places == 0:
        return marked(False, "has no place free")
    return marked(
        True,
        f"has {mentor.free_places} of {mentor.capacity} place{'s' if mentor.capacity != 1 else ''} free",
    )


def _question_reason(criterion, mentor, protege) -> str:
    """A program question's line: what both chose, or how their answers differ, or who
    has not answered. The question reads as its short label, in quotes."""
    label = f"“{criterion.label}”"
    theirs = mentor.answers.get(criterion.question_id, frozenset())
    yours = protege.answers.get(criterion.question_id, frozenset())
    if not theirs or not yours:
        if not theirs and not yours:
            words = gettext("%(mentor)s and %(protege)s have not answered %(question)s")
        else:
            words = gettext("%(name)s has not answered %(question)s")
        name = mentor.name if not theirs else protege.name
        return marked(
            False, words % {"mentor": mentor.name, "protege": protege.name, "name": name, "question": label}
        )
    names = criterion.choice_names
    shared = _choice_words(theirs & yours, names)
    if criterion.rule == MatchRule.SAME:
        if theirs == yours:
            return marked(True, gettext("both chose: %(choices)s") % {"choices": and_list(shared)})
        return marked(
            False,
            gettext("different answers to %(question)s: %(mentor)s chose %(theirs)s, %(protege)s %(yours)s")
            % {
                "question": label,
                "mentor": mentor.name,
                "theirs": and_list(_choice_words(theirs, names)),
                "protege": protege.name,
                "yours": and_list(_choice_words(yours, names)),
            },
        )
    if not shared:
        return marked(False, gettext("no answer in common to %(question)s") % {"question": label})
    if criterion.rule == MatchRule.OVERLAP:
        return marked(True, gettext("both chose: %(choices)s") % {"choices": and_list(shared)})
    missing = len(yours - theirs)
    words = gettext("covers what %(protege)s needs: %(choices)s") % {
        "protege": protege.name,
        "choices": and_list(shared),
    }
    if missing:
        words += " " + gettext("(%(count)d more not covered)") % {"count": missing}
    return marked(len(shared) >= missing, words)  # at least half of the need covered


def _choice_words(chosen: Iterable[int], names: Mapping[int, str]) -> list[str]:
    """Labels of the ``chosen`` choice ids in the question's order (that of ``names``),
    any the question does not name last, by id."""
    order = {choice: i for i, choice in enumerate(names)}
    ids = sorted(chosen, key=lambda c: (c not in order, order.get(c, 0), c))
    return [names.get(c) or gettext("choice %(id)d") % {"id": c} for c in ids]


def and_list(items: list[str], conjunction: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
