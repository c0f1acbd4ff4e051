"""Reported disclosures: what sharing released about a tip, as it reports after release."""
