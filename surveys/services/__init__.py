"""Writes of the surveys app."""
