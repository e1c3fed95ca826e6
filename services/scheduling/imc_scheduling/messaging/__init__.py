"""Scheduling message handlers."""
