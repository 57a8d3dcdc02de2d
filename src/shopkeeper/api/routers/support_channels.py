"""The shop's messaging channels (Telegram, WhatsApp, email): read masked, change with care.

Secrets are write-only: answers show them masked. Where replies are sent (``api_base``,
``api_version``) is left to the server's operator (``shopkeeper support channel set``),
so an API key cannot send the shop's tokens elsewhere.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.support.channels.settings import (
    ChannelKind,
    ChannelUpdate,
    ChannelView,
    list_channels,
    save_channel,
)

router = APIRouter(prefix="/v1/support/channels", tags=["support"])
Agent = Annotated[Principal, Depends(require(Scope.SUPPORT_MANAGE))]


@router.get("", response_model=list[ChannelView])
def get_channels(runtime: RuntimeDep, session: SessionDep, who: Agent) -> list[ChannelView]:
    """The channels the shop set up, secrets masked."""
    return list_channels(session, runtime.cipher, who.shop_id)


@router.put("/{kind}", response_model=ChannelView)
def put_channel(
    runtime: RuntimeDep, session: SessionDep, who: Agent, kind: ChannelKind, update: ChannelUpdate
) -> ChannelView:
    """Set up or change a channel; secrets left out keep their value (audit-logged)."""
    return save_channel(
        session,
        runtime.clock,
        runtime.cipher,
        shop_id=who.shop_id,
        kind=kind,
        update=update,
        actor=who.actor,
    )
