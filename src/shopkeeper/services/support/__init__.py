"""Customer service: the assistant's dialogue, the human queue, the channels."""
