"""Use cases of the resource bank (they own the transaction)."""
