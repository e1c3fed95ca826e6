"""Pure rules: the import's headers and rows, the analysis, access, the note."""
