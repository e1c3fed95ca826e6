"""Registry rules: pure, no I/O."""
