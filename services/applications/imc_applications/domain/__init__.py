"""Application and decision rules: pure, no I/O."""
