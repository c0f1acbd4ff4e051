"""Signing people in at the configured OpenID provider, and out again."""
