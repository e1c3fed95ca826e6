"""Registry message handlers."""
