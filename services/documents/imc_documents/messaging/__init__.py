"""Documents message handlers."""
