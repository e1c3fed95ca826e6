"""Applications HTTP API."""
