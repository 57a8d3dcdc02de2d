"""Cross-cutting basics: settings, errors, money, time and identifiers."""
