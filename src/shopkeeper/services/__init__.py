"""Use cases. Each takes its collaborators as arguments; entry points only translate."""
