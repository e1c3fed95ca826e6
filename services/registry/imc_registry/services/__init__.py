"""Registry use cases: each owns its transaction."""
