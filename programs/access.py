"""One way in to a program for its admins: 404 for everyone else, so slugs leak nothing."""

from django.shortcuts import get_object_or_404

from .models import Program


def get_program_for_admin(user, slug: str) -> Program:
    """The program with this slug if ``user`` is one of its admins; 404 otherwise."""
    return get_object_or_404(Program.objects.run_by(user), slug=slug)
