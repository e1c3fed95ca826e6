"""Documents HTTP API."""
