"""Notifications message handlers."""
