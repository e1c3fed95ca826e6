"""Documents persistence: the register of generated documents."""
