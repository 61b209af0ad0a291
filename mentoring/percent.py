"""Shares in whole per cent, as every page and CSV shows them."""


def share(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in whole per cent, at most 100; None when there is no whole."""
    return min(100, round(100 * part / whole)) if whole else None
