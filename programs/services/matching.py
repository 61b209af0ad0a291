"""Writes for matching: the program's proposal, one pair of it, and how the
program weighs each criterion. Each validates and saves inside one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from .. import matching
from ..models import DraftMatch, Participant, Program
from ..selectors.matching import matching_profiles, score_pair, weights_of


@transaction.atomic
def proposal_compute(*, program: Program) -> list[DraftMatch]:
    """Replaces the program's draft proposal with the assignment of every waiting
    protégé that maximises the total score under each mentor's free places,
    leaving a protégé unmatched below the program's minimum score."""
    proteges, mentors, criteria = matching_profiles(program=program)
    proposal = matching.propose(
        proteges, mentors, weights=weights_of(program), min_score=program.min_match_score, criteria=criteria
    )
    DraftMatch.objects.filter(program=program).delete()
    return DraftMatch.objects.bulk_create(
        DraftMatch(
            program=program,
            protege_id=pair.protege_id,
            mentor_id=pair.mentor_id,
            score=pair.score,
            reasons=pair.reasons,
        )
        for pair in proposal.pairs
    )


@transaction.atomic
def draft_match_change(*, draft: DraftMatch, mentor: Participant) -> DraftMatch:
    """Points one pair of the proposal at another mentor, if they have a place
    left after the rest of the proposal."""
    if mentor.program_id != draft.program_id or mentor.role != Participant.Role.MENTOR:
        raise ValidationError({"mentor": gettext("Choose a mentor of this program.")})
    mentor = Participant.objects.select_for_update().get(pk=mentor.pk)
    drafted = DraftMatch.objects.filter(mentor=mentor).exclude(pk=draft.pk).count()
    if mentor.load + drafted >= mentor.capacity:
        raise ValidationError(
            {
                "mentor": gettext("%(name)s has no free place left in this proposal.")
                % {"name": mentor.user.name}
            }
        )
    suggestion = score_pair(program=draft.program, mentor=mentor, protege=draft.protege)
    draft.mentor, draft.score, draft.reasons = mentor, suggestion.score, suggestion.reasons
    draft.save(update_fields=["mentor", "score", "reasons"])
    return draft


@transaction.atomic
def program_set_matching(*, program: Program, weights: dict[str, int], min_score: int) -> Program:
    """Saves how this program weighs each matching criterion and its minimum score."""
    program.match_weights = matching.Weights.from_dict(weights).to_dict()
    program.min_match_score = min_score
    program.full_clean()
    program.save(update_fields=["match_weights", "min_match_score", "updated_at"])
    return program
