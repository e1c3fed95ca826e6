"""Pure rules of professional growth: surveys, deficits, routes, transcripts."""
