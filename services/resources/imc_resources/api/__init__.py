"""HTTP interface of the resources service."""
