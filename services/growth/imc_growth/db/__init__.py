"""Tables and migrations of the growth service."""
