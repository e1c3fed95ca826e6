"""HTTP entry points: controllers and schemas."""
