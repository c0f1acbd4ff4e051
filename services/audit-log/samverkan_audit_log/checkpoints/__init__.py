"""Signed checkpoints: the C2SP note format, the log's signer, the stored tree heads."""
