"""Purchase orders: created by approving a replenishment proposal, read, sent to suppliers.

:func:`apply_purchase_order` is the applier of ``purchase_order`` proposals: it turns the
proposal's lines into a purchase order whose goods count as "on order" until received.
:func:`purchase_order_csv` and :func:`purchase_order_pdf` are the supplier's copies and
:func:`send_to_supplier` emails both.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from email.message import EmailMessage
from typing import Any

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import ConflictError, InvalidInputError, NotFoundError
from shopkeeper.data.mailer import Mailer
from shopkeeper.data.tables import (
    ProductRow,
    ProposalRow,
    PurchaseOrderLineRow,
    PurchaseOrderRow,
    ShopRow,
    SupplierRow,
)
from shopkeeper.domain.suppliers import PurchaseOrderLine, PurchaseOrderPublic
from shopkeeper.services import audit
from shopkeeper.services.stock import add_stock

CENT = Decimal("0.01")


def _line_quantity(line: dict[str, Any]) -> int:
    quantity = line.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidInputError(f"line {line.get('sku')!r} has no positive whole quantity")
    return quantity


def _unit_cost(line: dict[str, Any]) -> Decimal:
    try:
        cost = Decimal(str(line.get("unit_cost")))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInputError(f"line {line.get('sku')!r} has no unit cost") from exc
    if not cost.is_finite() or cost < 0:
        raise InvalidInputError(f"line {line.get('sku')!r} has a negative unit cost")
    return cost


def apply_purchase_order(
    session: Session, clock: Clock, proposal: ProposalRow, actor: str
) -> dict[str, Any]:
    """Create the purchase order a replenishment proposal describes."""
    payload = proposal.payload
    lines = payload.get("lines")
    if not isinstance(lines, list) or not lines:
        raise InvalidInputError("this proposal lists no lines to order", proposal_id=proposal.id)
    ref = str(payload.get("supplier_ref", proposal.target))
    supplier = session.scalar(
        select(SupplierRow).where(SupplierRow.shop_id == proposal.shop_id, SupplierRow.ref == ref)
    )
    if supplier is None:
        raise NotFoundError(f"no supplier with ref {ref!r}", supplier_ref=ref)
    skus = [str(line.get("sku")) for line in lines]
    products = {
        p.sku: p
        for p in session.scalars(
            select(ProductRow).where(
                ProductRow.shop_id == proposal.shop_id, ProductRow.sku.in_(skus)
            )
        )
    }
    missing = sorted(set(skus) - set(products))
    if missing:
        raise NotFoundError(f"unknown products: {', '.join(missing)}", skus=missing)
    now = clock.now()
    order = PurchaseOrderRow(
        shop_id=proposal.shop_id,
        supplier_id=supplier.id,
        reference=f"PO-{now:%Y%m%d}-{proposal.id}",
        status="ordered",
        proposal_id=proposal.id,
        created_at=now,
        expected_at=now + timedelta(days=supplier.lead_time_days),
    )
    session.add(order)
    session.flush()
    total = Decimal(0)
    for line in lines:
        quantity, cost = _line_quantity(line), _unit_cost(line)
        total += quantity * cost
        session.add(
            PurchaseOrderLineRow(
                shop_id=proposal.shop_id,
                purchase_order_id=order.id,
                product_id=products[str(line["sku"])].id,
                quantity=quantity,
                unit_cost=cost,
            )
        )
    session.flush()
    return {
        "reference": order.reference,
        "supplier_ref": ref,
        "lines": len(lines),
        "total_cost": str(total.quantize(CENT)),
    }


def _public(session: Session, order: PurchaseOrderRow) -> PurchaseOrderPublic:
    supplier = session.get(SupplierRow, order.supplier_id)
    currency = session.scalar(select(ShopRow.currency).where(ShopRow.id == order.shop_id))
    rows = session.execute(
        select(PurchaseOrderLineRow, ProductRow.sku, ProductRow.title)
        .join(ProductRow, ProductRow.id == PurchaseOrderLineRow.product_id)
        .where(PurchaseOrderLineRow.purchase_order_id == order.id)
        .order_by(PurchaseOrderLineRow.id)
    ).all()
    lines = [
        PurchaseOrderLine(
            sku=sku,
            title=title,
            quantity=line.quantity,
            unit_cost=line.unit_cost.quantize(CENT),
            line_total=(line.unit_cost * line.quantity).quantize(CENT),
        )
        for line, sku, title in rows
    ]
    return PurchaseOrderPublic(
        reference=order.reference,
        supplier_ref=supplier.ref if supplier else "",
        supplier_name=supplier.name if supplier else "",
        supplier_email=supplier.email if supplier else None,
        status=order.status,
        currency=currency or "EUR",
        created_at=order.created_at,
        expected_at=order.expected_at,
        sent_at=order.sent_at,
        received_at=order.received_at,
        proposal_id=order.proposal_id,
        lines=lines,
        total=sum((line.line_total for line in lines), Decimal(0)),
    )


def _row(session: Session, shop_id: int, reference: str) -> PurchaseOrderRow:
    order = session.scalar(
        select(PurchaseOrderRow).where(
            PurchaseOrderRow.shop_id == shop_id, PurchaseOrderRow.reference == reference
        )
    )
    if order is None:
        raise NotFoundError(f"no purchase order {reference!r}", reference=reference)
    return order


def get_purchase_order(session: Session, shop_id: int, reference: str) -> PurchaseOrderPublic:
    return _public(session, _row(session, shop_id, reference))


def list_purchase_orders(
    session: Session, shop_id: int, *, limit: int = 50
) -> list[PurchaseOrderPublic]:
    """The most recent purchase orders first."""
    orders = session.scalars(
        select(PurchaseOrderRow)
        .where(PurchaseOrderRow.shop_id == shop_id)
        .order_by(PurchaseOrderRow.created_at.desc(), PurchaseOrderRow.id.desc())
        .limit(limit)
    ).all()
    return [_public(session, order) for order in orders]


def purchase_order_csv(order: PurchaseOrderPublic) -> str:
    """One line per product, as a supplier's order-entry system imports it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["reference", "sku", "title", "quantity", "unit_cost", "line_total", "currency"]
    )
    for line in order.lines:
        writer.writerow(
            [
                order.reference,
                line.sku,
                line.title,
                line.quantity,
                line.unit_cost,
                line.line_total,
                order.currency,
            ]
        )
    return out.getvalue()


def purchase_order_pdf(order: PurchaseOrderPublic, *, shop_name: str) -> bytes:
    """A one-table printable order: who orders, from whom, what, for how much."""
    pdf = FPDF(format="A4")
    pdf.set_title(order.reference)
    pdf.add_page()
    # The core fonts cover Latin-1; other characters are replaced rather than failing.
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, _latin(f"Purchase order {order.reference}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    expected = order.expected_at.date().isoformat() if order.expected_at else "-"
    for text in (
        f"From: {shop_name}",
        f"To: {order.supplier_name} ({order.supplier_ref})",
        f"Date: {order.created_at.date().isoformat()}    Expected: {expected}",
    ):
        pdf.cell(0, 6, _latin(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table(col_widths=(25, 75, 20, 25, 25), text_align="LEFT") as table:
        table.row(["SKU", "Product", "Quantity", "Unit cost", "Total"])
        for line in order.lines:
            table.row(
                [
                    _latin(line.sku),
                    _latin(line.title),
                    str(line.quantity),
                    f"{line.unit_cost} {order.currency}",
                    f"{line.line_total} {order.currency}",
                ]
            )
        table.row(["", "Total", "", "", f"{order.total} {order.currency}"])
    return bytes(pdf.output())


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def send_to_supplier(
    session: Session, clock: Clock, mailer: Mailer, *, shop_id: int, reference: str, actor: str
) -> PurchaseOrderPublic:
    """Email the order to its supplier with the CSV and PDF attached; marks it sent."""
    order = _row(session, shop_id, reference)
    public = _public(session, order)
    if not public.supplier_email:
        raise ConflictError(
            f"supplier {public.supplier_ref} has no email address; add one or send it yourself",
            supplier_ref=public.supplier_ref,
        )
    shop_name = session.scalar(select(ShopRow.name).where(ShopRow.id == shop_id)) or ""
    message = EmailMessage()
    message["To"] = public.supplier_email
    message["Subject"] = f"Purchase order {public.reference} from {shop_name}"
    message.set_content(
        f"Hello,\n\nPlease find attached our purchase order {public.reference}: "
        f"{len(public.lines)} products, {public.total} {public.currency}.\n\n{shop_name}\n"
    )
    message.add_attachment(
        purchase_order_csv(public).encode(),
        maintype="text",
        subtype="csv",
        filename=f"{public.reference}.csv",
    )
    message.add_attachment(
        purchase_order_pdf(public, shop_name=shop_name),
        maintype="application",
        subtype="pdf",
        filename=f"{public.reference}.pdf",
    )
    mailer.send(message)
    order.sent_at = clock.now()
    if order.status == "ordered":
        order.status = "sent"
    session.flush()
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="purchase_order.sent",
        target_kind="purchase_order",
        target_id=public.reference,
        after={"to": public.supplier_email},
        reason=f"emailed to {public.supplier_name}",
    )
    return _public(session, order)


def receive_purchase_order(
    session: Session, clock: Clock, *, shop_id: int, reference: str, actor: str
) -> PurchaseOrderPublic:
    """Book the goods of an open order into stock; it no longer counts as on order."""
    order = _row(session, shop_id, reference)
    if order.received_at is not None or order.status == "cancelled":
        raise ConflictError(
            f"purchase order {reference} is {order.status}, nothing to receive",
            reference=reference,
            status=order.status,
        )
    lines = session.scalars(
        select(PurchaseOrderLineRow).where(PurchaseOrderLineRow.purchase_order_id == order.id)
    ).all()
    for line in lines:
        add_stock(
            session,
            clock,
            shop_id=shop_id,
            product_id=line.product_id,
            quantity=line.quantity,
            reason="receipt",
            reference=reference,
        )
    order.received_at = clock.now()
    order.status = "received"
    session.flush()
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="purchase_order.received",
        target_kind="purchase_order",
        target_id=reference,
        after={"lines": len(lines)},
        reason="goods received",
    )
    return _public(session, order)
