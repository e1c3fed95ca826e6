"""Notifications use cases."""
