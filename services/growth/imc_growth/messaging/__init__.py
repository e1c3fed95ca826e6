"""Messages the growth service consumes."""
