"""Applications use cases: each owns its transaction."""
