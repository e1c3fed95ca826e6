"""The documents service."""
