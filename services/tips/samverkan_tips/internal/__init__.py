"""Tips field by field with their data categories, for the sharing service."""
