"""The REST API (FastAPI), built by :func:`shopkeeper.api.app.create_app`."""
