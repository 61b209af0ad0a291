"""The reasons behind a match score, in words: one line per criterion, the built-in
ones (in the order of `matching.Weights`) and then the program's own questions (in
the order of the criteria given), each led by its mark (`FITS` or `MISSES`), or by
none when the criterion could not be compared (a question one side has not answered).

The words name both people (the board, a stored match), or speak to the protégé as
"you" (``second_person``: their own list of mentors). Each wording is a string of
its own for translators, never a name swapped for "you". The mark and the words agree:
a partial fit reads "part of" under `FITS` and "less than half of" under `MISSES`.

Plain Python on profiles (`matching.MentorProfile`, `matching.ProtegeProfile`) and
criteria (`matching.Criterion`); no queries.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from django.utils.formats import get_format
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from .matching_scores import METHOD_WORDS, WORKING_DAY_HOURS, cadence_fit, overlap_hours
from .models import MatchRule

CADENCE_WORDS = {  # translated where shown
    "weekly": gettext_noop("weekly"),
    "every_two_weeks": gettext_noop("every two weeks"),
    "twice_a_month": gettext_noop("twice a month"),
    "monthly": gettext_noop("monthly"),
    "every_n_weeks": gettext_noop("every few weeks"),
}

# A reason's mark: the pair fits on that criterion (it counts at least half its
# weight), or it does not. Each marked line starts with its mark and a space, so
# the words read the same wherever they are stored (a proposal's pair, a match).
# A line with no mark is neutral: the criterion was not compared.
FITS = "✓"
MISSES = "✗"
TIME_ZONE_FITS_HOURS = WORKING_DAY_HOURS / 2  # half a working day together
CADENCE_FITS = 0.75  # the same or a similar rate


class Reason(NamedTuple):
    """One reason as the board shows it: whether the pair fits on the criterion and the words."""

    fits: bool | None  # None: not compared (or a line stored before reasons had marks)
    text: str

    @classmethod
    def of(cls, line: str) -> "Reason":
        """A reason line (``reasons``) split into its mark and its words."""
        if line[:2] in (f"{FITS} ", f"{MISSES} "):
            return cls(line[0] == FITS, line[2:])
        return cls(None, line)


def marked(fits: bool, text: str) -> str:
    return f"{FITS if fits else MISSES} {text}"


def reasons(mentor, protege, criteria: Sequence = (), *, second_person: bool = False) -> list[str]:
    """One line per criterion: the built-in ones in the order of `Weights`, then one
    per `criteria` in their order, naming what the two share, each led by its mark
    (none for a question not compared). ``second_person``: the protégé reads "you"."""
    return [
        _topic_reason(mentor, protege, second_person),
        _method_reason(mentor, protege, second_person),
        _cadence_reason(mentor, protege, second_person),
        _time_zone_reason(mentor, protege),
        _load_reason(mentor),
        *(_question_reason(criterion, mentor, protege, second_person) for criterion in criteria),
    ]


def _topic_reason(mentor, protege, you: bool) -> str:
    if not protege.topics:
        if you:
            return marked(False, gettext("you have not chosen topics to work on"))
        return marked(False, gettext("%(name)s has not chosen topics to work on") % {"name": protege.name})
    shared = sorted(
        mentor.topic_names.get(t) or gettext("topic %(id)d") % {"id": t}
        for t in mentor.topics & protege.topics
    )
    if not shared:
        return marked(False, gettext("no topics in common"))
    missing = len(protege.topics) - len(shared)
    values = {"topics": and_list(shared), "name": protege.name, "count": missing}
    if not missing:
        words = (
            gettext("offers %(topics)s, which you seek")
            if you
            else gettext("offers %(topics)s, which %(name)s seeks")
        )
        return marked(True, words % values)
    if len(shared) >= missing:  # at least half of what they seek
        if you:
            words = ngettext(
                "offers %(topics)s, which you seek (%(count)d more sought topic not offered)",
                "offers %(topics)s, which you seek (%(count)d more sought topics not offered)",
                missing,
            )
        else:
            words = ngettext(
                "offers %(topics)s, which %(name)s seeks (%(count)d more sought topic not offered)",
                "offers %(topics)s, which %(name)s seeks (%(count)d more sought topics not offered)",
                missing,
            )
        return marked(True, words % values)
    if you:
        words = ngettext(
            "offers less than half of what you seek: %(topics)s (%(count)d more sought topic not offered)",
            "offers less than half of what you seek: %(topics)s (%(count)d more sought topics not offered)",
            missing,
        )
    else:
        words = ngettext(
            "offers less than half of what %(name)s seeks: %(topics)s (%(count)d more sought topic not offered)",
            "offers less than half of what %(name)s seeks: %(topics)s (%(count)d more sought topics not offered)",
            missing,
        )
    return marked(False, words % values)


def _method_reason(mentor, protege, you: bool) -> str:
    theirs, yours = (
        [gettext(METHOD_WORDS[m]) for m in METHOD_WORDS if m in p.methods] for p in (mentor, protege)
    )
    if not theirs or not yours:  # no preference counts as any way
        if theirs and you:
            return marked(True, gettext("you have no preferred way to meet"))
        name = mentor.name if not theirs else protege.name
        return marked(True, gettext("%(name)s has no preferred way to meet") % {"name": name})
    shared = [m for m in theirs if m in yours]
    if shared:
        return marked(True, gettext("both prefer %(methods)s") % {"methods": and_list(shared, "or")})
    values = {
        "mentor": mentor.name,
        "theirs": and_list(theirs, "or"),
        "protege": protege.name,
        "yours": and_list(yours, "or"),
    }
    if you:
        words = gettext("no shared way to meet: %(mentor)s prefers %(theirs)s, you prefer %(yours)s")
    else:
        words = gettext("no shared way to meet: %(mentor)s prefers %(theirs)s, %(protege)s %(yours)s")
    return marked(False, words % values)


# Two different cadences, by how close they are: (the board's words, the protégé's).
_CADENCE_GAPS = {
    "similar": (
        gettext_noop("similar cadences: %(mentor)s prefers %(theirs)s, %(protege)s %(yours)s"),
        gettext_noop("similar cadences: %(mentor)s prefers %(theirs)s, you prefer %(yours)s"),
    ),
    "different": (
        gettext_noop("different cadences: %(mentor)s prefers %(theirs)s, %(protege)s %(yours)s"),
        gettext_noop("different cadences: %(mentor)s prefers %(theirs)s, you prefer %(yours)s"),
    ),
    "far apart": (
        gettext_noop("far apart cadences: %(mentor)s prefers %(theirs)s, %(protege)s %(yours)s"),
        gettext_noop("far apart cadences: %(mentor)s prefers %(theirs)s, you prefer %(yours)s"),
    ),
}


def _cadence_reason(mentor, protege, you: bool) -> str:
    a, b = mentor.cadence, protege.cadence
    if a not in CADENCE_WORDS or b not in CADENCE_WORDS:  # no preference counts as any rate
        if a in CADENCE_WORDS and you:
            return marked(True, gettext("you have no preferred cadence"))
        name = protege.name if a in CADENCE_WORDS else mentor.name
        return marked(True, gettext("%(name)s has no preferred cadence") % {"name": name})
    if a == b:
        return marked(
            True, gettext("both prefer to meet %(cadence)s") % {"cadence": gettext(CADENCE_WORDS[a])}
        )
    fit = cadence_fit(a, b)
    closeness = "similar" if fit >= CADENCE_FITS else "different" if fit > 0 else "far apart"
    words = gettext(_CADENCE_GAPS[closeness][you])
    values = {
        "mentor": mentor.name,
        "theirs": gettext(CADENCE_WORDS[a]),
        "protege": protege.name,
        "yours": gettext(CADENCE_WORDS[b]),
    }
    return marked(fit >= CADENCE_FITS, words % values)


def _time_zone_reason(mentor, protege) -> str:
    hours = overlap_hours(mentor.utc_offset_hours, protege.utc_offset_hours)
    if hours == 0:
        return marked(False, gettext("no working-day overlap"))
    words = ngettext(
        "%(hours)s hour of working-day overlap",
        "%(hours)s hours of working-day overlap",
        int(hours) if hours == int(hours) else 2,  # plural forms take a whole number
    )
    # "5.5" in English, "5,5" where the language writes its decimals with a comma.
    shown = f"{hours:g}".replace(".", str(get_format("DECIMAL_SEPARATOR")))
    return marked(hours >= TIME_ZONE_FITS_HOURS, words % {"hours": shown})


def _load_reason(mentor) -> str:
    if mentor.free_places == 0:
        return marked(False, gettext("has no place free"))
    words = ngettext(
        "has %(free)d of %(capacity)d place free", "has %(free)d of %(capacity)d places free", mentor.capacity
    )
    return marked(True, words % {"free": mentor.free_places, "capacity": mentor.capacity})


def _question_reason(criterion, mentor, protege, you: bool) -> str:
    """A program question's line: what both chose, or how their answers differ, or,
    unmarked, who has not answered (not compared; it scores 0 all the same, as
    `matching_scores.rule_values`). The question reads as its short label, in quotes."""
    # Translators: a program's question quoted in a matching reason; use your language's quotation marks.
    label = pgettext("quoted question", "“%(question)s”") % {"question": criterion.label}
    theirs = mentor.answers.get(criterion.question_id, frozenset())
    yours = protege.answers.get(criterion.question_id, frozenset())
    if not theirs or not yours:
        return _unanswered(label, mentor, protege, bool(theirs), bool(yours), you)
    names = criterion.choice_names
    shared = _choice_words(theirs & yours, names)
    if criterion.rule == MatchRule.SAME:
        if theirs == yours:
            return marked(True, gettext("both chose: %(choices)s") % {"choices": and_list(shared)})
        if you:
            words = gettext(
                "different answers to %(question)s: %(mentor)s chose %(theirs)s, you chose %(yours)s"
            )
        else:
            words = gettext(
                "different answers to %(question)s: %(mentor)s chose %(theirs)s, %(protege)s %(yours)s"
            )
        return marked(
            False,
            words
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
    return _covers_reason(shared, _choice_words(yours - theirs, names), protege, you)


def _covers_reason(shared: list[str], missing: list[str], protege, you: bool) -> str:
    """COVERS with something in common: all of the need, at least half (`FITS`), or less."""
    values = {"protege": protege.name, "choices": and_list(shared), "missing": and_list(missing or [""])}
    if not missing:
        words = (
            gettext("covers what you need: %(choices)s")
            if you
            else gettext("covers what %(protege)s needs: %(choices)s")
        )
        return marked(True, words % values)
    fits = len(shared) >= len(missing)  # at least half of the need covered
    if fits and you:
        words = gettext("covers part of what you need: %(choices)s (%(missing)s not covered)")
    elif fits:
        words = gettext("covers part of what %(protege)s needs: %(choices)s (%(missing)s not covered)")
    elif you:
        words = gettext("covers less than half of what you need: %(choices)s (%(missing)s not covered)")
    else:
        words = gettext(
            "covers less than half of what %(protege)s needs: %(choices)s (%(missing)s not covered)"
        )
    return marked(fits, words % values)


def _unanswered(label: str, mentor, protege, mentor_answered: bool, protege_answered: bool, you: bool) -> str:
    """The neutral line of a question one side or both have not answered: no mark."""
    values = {"mentor": mentor.name, "protege": protege.name, "question": label}
    if not mentor_answered and not protege_answered:
        if you:
            words = gettext(
                "not compared: neither you nor %(mentor)s has answered %(question)s — answer it on your profile"
            )
        else:
            words = gettext("not compared: %(mentor)s and %(protege)s have not answered %(question)s")
    elif not protege_answered:
        if you:
            words = gettext("not compared: you have not answered %(question)s — answer it on your profile")
        else:
            words = gettext("not compared: %(protege)s has not answered %(question)s")
    else:
        words = gettext("not compared: %(mentor)s has not answered %(question)s")
    return words % values


def _choice_words(chosen: Iterable[int], names: Mapping[int, str]) -> list[str]:
    """Labels of the ``chosen`` choice ids in the question's order (that of ``names``),
    any the question does not name last, by id."""
    order = {choice: i for i, choice in enumerate(names)}
    ids = sorted(chosen, key=lambda c: (c not in order, order.get(c, 0), c))
    return [names.get(c) or gettext("choice %(id)d") % {"id": c} for c in ids]


def and_list(items: list[str], conjunction: str = "and") -> str:
    """``items`` joined as a sentence does: "a, b and c" (``conjunction`` "and" or "or")."""
    if len(items) == 1:
        return items[0]
    word = pgettext("list", "or") if conjunction == "or" else pgettext("list", "and")
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
