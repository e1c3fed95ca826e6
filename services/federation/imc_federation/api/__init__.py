"""Aggregator HTTP API."""
