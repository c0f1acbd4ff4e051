"""The tips service's figures as charts, a table and CSV."""
