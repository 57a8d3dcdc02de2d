"""Pure algorithms, one capability a folder; they take plain data and return plain data."""
