"""Analysis of state exam results (ГИА): problems, causes, recommendations."""
