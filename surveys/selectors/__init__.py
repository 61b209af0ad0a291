"""Reads of the surveys app: each returns a declared shape and never writes."""
