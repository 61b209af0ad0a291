"""The pair's scheduling pages (to be built)."""

from django.contrib.auth.decorators import login_required


@login_required
def schedule(request, partnership_id: int):
    raise NotImplementedError
