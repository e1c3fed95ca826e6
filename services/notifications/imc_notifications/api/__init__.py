"""Notifications HTTP API."""
