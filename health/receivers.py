"""The health app's answers to the signals of the apps below it (connected in ``apps.py``)."""

from collections.abc import Iterable

from . import services


def refresh_changed_pairs(sender, *, partnership_ids: Iterable[int], **kwargs) -> None:
    """``partnerships.signals.pair_changed``: counts the changed pairs' numbers
    again, in the writer's transaction and under its lock of the pair, so they
    commit or roll back with the change."""
    services.refresh(partnership_ids)
