"""HTTP interface of the growth service."""
