"""Documents use cases."""
