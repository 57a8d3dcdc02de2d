"""A seeded, fully synthetic French web shop with planted, recorded demand effects.

>>> from shopkeeper.data.importers.demo import DemoShopConfig, generate_shop
>>> shop = generate_shop(DemoShopConfig(n_products=60, n_customers=100, months=2,
...                                     sessions_per_day=5, events_days=7))
>>> list(shop.orders.columns[:3])
['external_id', 'customer_external_id', 'placed_at']
"""

from .config import DemoShopConfig
from .shop import GeneratedShop, generate_shop

__all__ = ["DemoShopConfig", "GeneratedShop", "generate_shop"]
