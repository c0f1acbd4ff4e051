"""Evidence of a log that showed two histories: kept and served."""
