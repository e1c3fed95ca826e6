"""Scheduling rules: pure, no I/O."""
