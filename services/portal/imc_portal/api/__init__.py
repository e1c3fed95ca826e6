"""HTTP side of the portal: pages, their JSON, and the shapes read from backends."""
