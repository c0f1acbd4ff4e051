"""People sign in: the OpenID Connect authorization code flow with PKCE."""
