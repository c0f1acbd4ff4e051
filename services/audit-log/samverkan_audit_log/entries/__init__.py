"""Audit entries: the serialised append (group commit), listing, look-ups."""
