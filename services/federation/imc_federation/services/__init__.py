"""Aggregator use cases."""
