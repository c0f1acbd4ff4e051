"""A C2SP tlog-witness of the audit log, and the offline receipt verifier."""
