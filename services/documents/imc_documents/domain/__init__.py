"""Domain model of the documents service: what goes into the documents, in Russian."""
