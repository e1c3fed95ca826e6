"""Use cases of the portal: read a backend and shape what a page shows."""
