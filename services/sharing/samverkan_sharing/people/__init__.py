"""Person accounts: officers and compliance officers who sign in as themselves."""
