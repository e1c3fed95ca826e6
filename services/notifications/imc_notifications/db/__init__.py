"""Notifications persistence: models and migrations."""
