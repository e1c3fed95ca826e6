"""Notification rules and texts: pure, no I/O."""
