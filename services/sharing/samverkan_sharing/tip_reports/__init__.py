"""Tip reports: tips is told of every disclosure made about a tip (an outbox and its worker)."""
