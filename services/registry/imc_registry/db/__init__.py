"""Registry persistence: models and migrations."""
