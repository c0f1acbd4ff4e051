"""add-checkpoint (C2SP tlog-witness): verify, record, cosign."""
