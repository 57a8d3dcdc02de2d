"""The model slots (capabilities) recommendations are fitted into and served from.

The popularity model holds the plain ``"recommend"`` slot; the others sit beside it. Kept
apart from the modules that fit them so fitting and serving can import them both ways.
"""

SESSION_CAPABILITY = "recommend.session"  # what comes next after the visit's products
CUSTOMER_CAPABILITY = "recommend.customer"  # a known customer's purchase history
CONTENT_CAPABILITY = "recommend.content"  # look-alike products, by text and attributes
TOGETHER_CAPABILITY = "recommend.together"  # products bought in the same orders
CONTEXT_CAPABILITY = "recommend.context"  # the re-ranker on time, weather and trends
