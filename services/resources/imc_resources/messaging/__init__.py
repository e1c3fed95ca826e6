"""Message subscribers of the resources service."""
