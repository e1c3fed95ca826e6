"""Federation rules: pure, no I/O."""
