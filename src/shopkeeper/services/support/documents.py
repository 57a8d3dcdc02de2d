"""The shop's FAQ and policy pages the assistant answers from, stored per language."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlalchemy.orm import Session

from shopkeeper.ai.support import FaqDocument
from shopkeeper.core.clock import Clock
from shopkeeper.core.errors import InvalidInputError
from shopkeeper.data.tables import SupportDocumentRow
from shopkeeper.services import audit

LANGUAGES = ("fr", "en")
MAX_DOCUMENT_CHARS = 200_000


def replace_documents(
    session: Session,
    clock: Clock,
    shop_id: int,
    language: str,
    documents: Sequence[FaqDocument],
    actor: str,
) -> int:
    """Make ``documents`` the shop's whole FAQ in ``language``; returns how many."""
    if language not in LANGUAGES:
        raise InvalidInputError(f"language must be one of {', '.join(LANGUAGES)}")
    for document in documents:
        if not document.text.strip():
            raise InvalidInputError(f"{document.source} is empty", source=document.source)
        if len(document.text) > MAX_DOCUMENT_CHARS:
            raise InvalidInputError(
                f"{document.source} is longer than {MAX_DOCUMENT_CHARS:,} characters",
                source=document.source,
            )
    session.execute(
        delete(SupportDocumentRow).where(
            SupportDocumentRow.shop_id == shop_id, SupportDocumentRow.language == language
        )
    )
    now = clock.now()
    session.add_all(
        SupportDocumentRow(
            shop_id=shop_id, language=language, source=d.source, text=d.text, updated_at=now
        )
        for d in documents
    )
    audit.record(
        session,
        clock,
        shop_id=shop_id,
        actor=actor,
        action="support.documents",
        target_kind="shop",
        target_id=str(shop_id),
        after={"language": language, "sources": [d.source for d in documents]},
    )
    return len(documents)
