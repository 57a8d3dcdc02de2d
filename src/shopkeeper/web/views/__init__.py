"""One module per dashboard section; each exposes a ``router``."""
