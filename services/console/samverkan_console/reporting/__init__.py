"""The tip form, for municipal officers filing as themselves."""
