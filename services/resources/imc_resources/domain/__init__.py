"""Pure rules of the resource bank: vocabulary, statuses, files, search terms, access."""
