"""Disclosure requests, four-eyes assessment and own-initiative notices."""
