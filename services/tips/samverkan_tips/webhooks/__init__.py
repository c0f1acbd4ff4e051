"""Webhooks: events pushed to the systems of the organisations that subscribe."""
