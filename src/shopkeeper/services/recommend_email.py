"""Personalised product blocks for emails: the same recommendations, rendered for a mailbox.

A campaign tool or the shop's own mailer asks for a block per customer and pastes its HTML
(or text) into the message. Mail clients ignore stylesheets and scripts, so the block is one
table with inline styles; every title and reason is escaped; every link carries
``?rec=<rec_request_id>`` so a click from the email is credited to this recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape

from shopkeeper.core.errors import InvalidInputError, NotFoundError
from shopkeeper.core.money import Money
from shopkeeper.domain.recommendations import Placement, RecommendedItem
from shopkeeper.services.customers import find_customer
from shopkeeper.services.models import ModelCache
from shopkeeper.services.recommend import recommend_for
from shopkeeper.services.runtime import Runtime
from shopkeeper.services.shops import get_shop

COLUMNS = 4
MAX_EMAIL_ITEMS = 12
DEFAULT_PRODUCT_PATH = "/products/{sku}"
# The template sits with the other packaged templates; loading it by path keeps the
# services layer free of any web import.
_EMAILS = Environment(
    loader=PackageLoader("shopkeeper", "web/templates/email"),
    autoescape=select_autoescape(default=True),
    keep_trailing_newline=False,
)


@dataclass(frozen=True, slots=True)
class EmailBlock:
    """A block ready to paste into an email, and what it shows.

    ``html`` and ``text`` are empty when nothing can be recommended: the caller then
    leaves the block out rather than send an empty frame.

    Examples
    --------
    >>> EmailBlock("Picked for you", "", "", [], "r1").items
    []
    """

    subject_hint: str
    html: str
    text: str
    items: list[RecommendedItem]
    rec_request_id: str


def product_url(base_url: str, product_path: str, sku: str, rec_request_id: str) -> str:
    """The product's page on the storefront, tagged with the recommendation it came from.

    Examples
    --------
    >>> product_url("https://shop.example/", "/p/{sku}", "A 1", "r-9")
    'https://shop.example/p/A%201?rec=r-9'
    """
    path = product_path.replace("{sku}", quote(sku, safe=""))
    return f"{base_url.rstrip('/')}{path}?rec={quote(rec_request_id, safe='')}"


def _check_urls(base_url: str, product_path: str) -> None:
    # Only web links: a "javascript:" base would turn every product into a script.
    if not base_url.startswith(("https://", "http://")):
        raise InvalidInputError("base_url must start with https:// or http://", base_url=base_url)
    if not product_path.startswith("/") or "{sku}" not in product_path:
        raise InvalidInputError(
            "product_path must start with / and contain {sku}", product_path=product_path
        )


def email_block(
    runtime: Runtime,
    models: ModelCache,
    *,
    shop_id: int,
    customer_id: str,
    k: int = 4,
    base_url: str,
    product_path: str = DEFAULT_PRODUCT_PATH,
) -> EmailBlock:
    """Up to ``k`` products for one known customer, as email HTML and plain text.

    Raises :class:`NotFoundError` for a customer the shop does not know: an email goes to
    someone, so a typo in the id must not silently produce a generic block.
    """
    if not 1 <= k <= MAX_EMAIL_ITEMS:
        raise InvalidInputError(f"k must be between 1 and {MAX_EMAIL_ITEMS}", k=k)
    _check_urls(base_url, product_path)
    with runtime.sessions() as session:
        if find_customer(session, shop_id, customer_id) is None:
            raise NotFoundError(f"no customer {customer_id!r}", customer_id=customer_id)
        shop = get_shop(session, shop_id)
    result = recommend_for(
        runtime, models, shop_id=shop_id, customer_id=customer_id, placement=Placement.EMAIL, k=k
    )
    rec_id = result.rec_request_id
    if not result.items:
        return EmailBlock("", "", "", [], rec_id)
    shown = [
        {
            "title": item.title,
            "price": str(Money(item.price, shop.currency)),
            "reason": item.reason,
            "url": product_url(base_url, product_path, item.sku, rec_id),
        }
        for item in result.items
    ]
    heading = f"Picked for you at {shop.name}"
    columns = min(COLUMNS, len(shown))
    html = _EMAILS.get_template("recommendations.html").render(
        heading=heading,
        rows=[shown[i : i + columns] for i in range(0, len(shown), columns)],
        columns=columns,
        rec_request_id=rec_id,
    )
    text = "\n".join([heading, ""] + [f"- {s['title']} ({s['price']}): {s['url']}" for s in shown])
    first = result.items[0].title
    more = len(result.items) - 1
    subject = f"{first} and {more} more picked for you" if more else f"{first}, picked for you"
    return EmailBlock(subject, html.strip(), text, list(result.items), rec_id)
