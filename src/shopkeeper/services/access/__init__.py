"""Who is calling: API keys, dashboard users and the principal they resolve to."""
