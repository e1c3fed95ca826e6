"""Aggregator message handlers."""
