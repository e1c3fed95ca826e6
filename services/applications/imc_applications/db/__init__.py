"""Applications persistence: models and migrations."""
