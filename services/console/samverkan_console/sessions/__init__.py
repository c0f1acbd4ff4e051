"""Who is signed in: the console's server-side sessions."""
