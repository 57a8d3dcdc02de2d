"""Settings for tests: the ``test`` environment with throw-away secrets."""

from __future__ import annotations

import base64
from typing import Any

from shopkeeper.core.config import Settings

TEST_SECRET_KEY = "test-secret-key-not-for-production"
TEST_PII_KEY = base64.b64encode(b"test-pii-key-32-bytes-long------").decode("ascii")


def make_test_settings(**overrides: Any) -> Settings:
    """Settings that ignore the developer's ``.env`` and carry test-only secrets.

    Examples
    --------
    >>> make_test_settings(database_url="sqlite://").environment
    'test'
    """
    values: dict[str, Any] = {
        "environment": "test",
        "secret_key": TEST_SECRET_KEY,
        "pii_key": TEST_PII_KEY,
        **overrides,
    }
    return Settings(_env_file=None, **values)
