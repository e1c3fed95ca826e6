"""The bank of best methodical resources, shared across districts through the centre."""
