"""Shopkeeper: a self-hosted AI platform for online shops.

Layers (enforced by import-linter)::

    cli -> api -> web | jobs -> services -> ai | data -> domain -> core
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
