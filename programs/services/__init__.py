"""Writes for programs, by feature: invitations (``invitations``, and their CSV
import, ``invitations_csv``), matching proposals (``matching``) and a person's
profile (``profiles``). Each service validates and saves inside one
transaction; the database constraints are the last word."""
