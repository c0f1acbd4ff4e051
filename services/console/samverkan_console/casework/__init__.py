"""The case list of tips with their due dates, and a tip's page with its timeline."""
