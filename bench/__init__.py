"""`make bench`: program-scale data in a database of its own, and the figures
that matter, measured the same way every time."""
