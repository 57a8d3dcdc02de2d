"""The ``shopkeeper`` command line (Typer + Rich)."""
