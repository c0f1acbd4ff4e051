"""Tips: filing, reading and moving them through the workflow."""
