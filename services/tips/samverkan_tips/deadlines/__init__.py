"""Deadlines: each tip's due dates in Swedish working days, per agreement owner's policy."""
