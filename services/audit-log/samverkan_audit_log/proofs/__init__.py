"""RFC 9162 inclusion and consistency proofs against the stored tree."""
