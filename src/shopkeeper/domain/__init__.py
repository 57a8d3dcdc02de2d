"""Typed values shared by every layer: shops, products, events, proposals, access."""
