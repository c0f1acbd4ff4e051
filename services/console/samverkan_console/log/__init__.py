"""The compliance officer's pages: the disclosure log, searched, verified, exported."""
