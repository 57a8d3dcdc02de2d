"""Messaging channels of customer service: Telegram, WhatsApp and email adapters.

Each adapter (``telegram``, ``whatsapp``, ``email``) turns a platform's webhook into an
:class:`~shopkeeper.services.support.channels.base.InboundMessage` and sends replies;
``inbound.answer`` runs one message through the support desk and sends its replies back,
``agent_reply.deliver_agent_reply`` pushes an agent's answer from the queue to the
customer, and ``settings`` keeps each shop's tokens and secrets, encrypted.
"""
