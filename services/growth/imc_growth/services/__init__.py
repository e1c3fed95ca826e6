"""Use cases of the growth service, each in one transaction."""
