"""A tip's timeline: every event of its case in time order, as far as the caller may see."""
