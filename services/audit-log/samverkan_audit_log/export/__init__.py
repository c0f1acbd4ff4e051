"""The log as CSV or JSON Lines, and the look-up indexes for the verifier."""
