"""The Samverkan console: pages for the people who assess, approve and review."""
