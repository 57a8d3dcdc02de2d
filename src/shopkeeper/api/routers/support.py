"""Customer service: messages in and replies out, and the human queue behind them.

Storefront and app routes take a publishable key (``support:chat``); whoever holds a
conversation id may read that conversation, so ids are long random strings. Queue routes
take a secret key with ``support:manage``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from shopkeeper.api.deps import RuntimeDep, SessionDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.support import (
    AgentReply,
    Channel,
    Feedback,
    MessageIn,
    MessageOut,
    PolicyBody,
    QueueEntry,
    Reply,
    Transcript,
)
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.support import queue, transcripts
from shopkeeper.services.support.channels.agent_reply import deliver_agent_reply
from shopkeeper.services.support.conversations import Incoming, SupportDesk
from shopkeeper.services.support.policy import SupportPolicy, load_policy, save_policy

router = APIRouter(prefix="/v1/support", tags=["support"])
Chatter = Annotated[Principal, Depends(require(Scope.SUPPORT_CHAT))]
Agent = Annotated[Principal, Depends(require(Scope.SUPPORT_MANAGE))]
ConversationId = Annotated[str, Path(max_length=48)]


@router.post("/messages", response_model=Reply)
def post_message(request: Request, who: Chatter, message: MessageIn) -> Reply:
    """Send a customer's message; the answer holds the assistant's replies.

    Without ``conversation_id`` a conversation starts; keep the returned id for the next
    message. Empty, too long or unreadable messages get a reply saying so.
    """
    desk: SupportDesk = request.app.state.support
    return desk.handle(
        Incoming(
            shop_id=who.shop_id,
            text=message.text,
            channel=Channel(message.channel),
            conversation_id=message.conversation_id,
            language=message.language,
        )
    )


@router.get("/conversations/{conversation_id}/messages", response_model=Transcript)
def get_messages(
    runtime: RuntimeDep,
    session: SessionDep,
    who: Chatter,
    conversation_id: ConversationId,
    after: Annotated[int, Query(ge=0, description="Only messages with a larger id")] = 0,
) -> Transcript:
    """The conversation's messages after ``after``: how a widget sees an agent's answer."""
    return transcripts.transcript(session, runtime, who.shop_id, conversation_id, after)


@router.post("/conversations/{conversation_id}/feedback", status_code=204)
def post_feedback(
    runtime: RuntimeDep,
    session: SessionDep,
    who: Chatter,
    conversation_id: ConversationId,
    feedback: Feedback,
) -> None:
    """Thumbs up or down at the end of a conversation."""
    transcripts.record_feedback(session, who.shop_id, conversation_id, feedback.satisfied)


@router.get("/handoffs", response_model=list[QueueEntry])
def get_queue(
    runtime: RuntimeDep,
    session: SessionDep,
    who: Agent,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[QueueEntry]:
    """Conversations waiting for a person, urgent first, then oldest first."""
    return queue.open_queue(session, runtime.cipher, who.shop_id, limit)


@router.post("/handoffs/{handoff_id}/claim", status_code=204)
def post_claim(runtime: RuntimeDep, session: SessionDep, who: Agent, handoff_id: int) -> None:
    queue.claim(session, runtime.clock, who.shop_id, handoff_id, who.actor)


@router.post("/handoffs/{handoff_id}/reply", response_model=MessageOut)
def post_reply(
    request: Request,
    runtime: RuntimeDep,
    session: SessionDep,
    who: Agent,
    handoff_id: int,
    body: AgentReply,
) -> MessageOut:
    """Answer the customer in their conversation (claims the handoff if nobody had).

    Telegram, WhatsApp and email conversations also get the answer on their channel.
    """
    row = queue.reply(
        session, runtime.clock, runtime.cipher, who.shop_id, handoff_id, who.actor, body.text
    )
    deliver_agent_reply(session, runtime, request.app.state.support.mailer, row)
    return transcripts.message_out(runtime, row)


@router.post("/handoffs/{handoff_id}/resolve", status_code=204)
def post_resolve(runtime: RuntimeDep, session: SessionDep, who: Agent, handoff_id: int) -> None:
    queue.resolve(session, runtime.clock, who.shop_id, handoff_id, who.actor)


@router.get("/policy", response_model=PolicyBody)
def get_policy(session: SessionDep, who: Agent) -> PolicyBody:
    """The shop's return window, non-returnable categories, disabled actions, delays."""
    policy = load_policy(session, who.shop_id)
    return PolicyBody(
        return_window_days=policy.return_window_days,
        non_returnable_categories=sorted(policy.non_returnable),
        disabled_actions=sorted(policy.disabled_actions),
        handling_days=policy.handling_days,
        delivery_days_min=policy.delivery_days_min,
        delivery_days_max=policy.delivery_days_max,
    )


@router.put("/policy", response_model=PolicyBody)
def put_policy(
    runtime: RuntimeDep, session: SessionDep, who: Agent, body: PolicyBody
) -> PolicyBody:
    """Replace the shop's support rules; refused with a reason when they contradict."""
    policy = SupportPolicy(
        return_window_days=body.return_window_days,
        non_returnable=frozenset(c.strip().casefold() for c in body.non_returnable_categories),
        disabled_actions=frozenset(body.disabled_actions),
        handling_days=body.handling_days,
        delivery_days_min=body.delivery_days_min,
        delivery_days_max=body.delivery_days_max,
    )
    save_policy(session, runtime.clock, who.shop_id, policy, who.actor)
    return get_policy(session, who)
