"""Framework agreements: their selection lists and the CSV import."""
