"""Aggregator persistence: read models across districts."""
