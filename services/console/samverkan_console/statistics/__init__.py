"""Figures: disclosures per month by recipient and legal basis, the queue's age."""
