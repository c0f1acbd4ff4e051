"""The OAuth 2.0 authorization server of the suite (client credentials, RFC 9068 tokens)."""
