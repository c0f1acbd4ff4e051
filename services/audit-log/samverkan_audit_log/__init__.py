"""Samverkan audit-log: an append-only, verifiable RFC 9162 log of every disclosure."""
