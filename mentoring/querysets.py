"""Query pieces every app's selectors use."""

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def correlated_count(queryset: QuerySet, *, by: str) -> Coalesce:
    """A correlated ``COUNT(*)`` of ``queryset``, already filtered on an
    ``OuterRef`` through its foreign key ``by`` (e.g. ``"partnership"``),
    for ``annotate``: 0 where no row matches, never NULL."""
    counted = queryset.order_by().values(by).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
