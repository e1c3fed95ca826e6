"""Scheduling persistence: models and migrations."""
