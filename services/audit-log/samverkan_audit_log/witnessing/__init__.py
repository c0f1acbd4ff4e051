"""Witnesses cosign the log's checkpoints (C2SP tlog-witness); receipts as tlog-proof."""
