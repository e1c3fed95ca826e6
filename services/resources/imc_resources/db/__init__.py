"""Tables and migrations of the resources service."""
