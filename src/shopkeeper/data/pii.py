"""Encryption of customer personal data at rest, and keyed lookup hashes for email."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shopkeeper.core.errors import ConfigurationError

_NONCE_BYTES = 12
_VERSION = b"\x01"


class PiiCipher:
    """AES-GCM for PII columns plus an HMAC-SHA256 lookup hash for emails.

    The lookup hash lets us find a customer by email without storing it in clear; it is
    keyed so a dump cannot be reversed with a dictionary of common addresses.

    Examples
    --------
    >>> import base64
    >>> cipher = PiiCipher(base64.b64encode(b"k" * 32).decode())
    >>> blob = cipher.encrypt("ada@example.com")
    >>> b"ada" in blob
    False
    >>> cipher.decrypt(blob)
    'ada@example.com'
    >>> cipher.email_hash("Ada@Example.com ") == cipher.email_hash("ada@example.com")
    True
    """

    def __init__(self, key_b64: str) -> None:
        try:
            key = base64.b64decode(key_b64, validate=True)
        except ValueError as exc:
            raise ConfigurationError("SHOPKEEPER_PII_KEY is not valid base64") from exc
        if len(key) != 32:
            raise ConfigurationError("SHOPKEEPER_PII_KEY must decode to 32 bytes")
        # Separate sub-keys: the lookup hash must not reveal anything about the cipher key.
        self._aead = AESGCM(hmac.digest(key, b"shopkeeper-pii-encryption", "sha256"))
        self._hash_key = hmac.digest(key, b"shopkeeper-pii-lookup", "sha256")

    def encrypt(self, plaintext: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), None)

    def decrypt(self, blob: bytes) -> str:
        nonce, ciphertext = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        return self._aead.decrypt(nonce, ciphertext, None).decode("utf-8")

    def encrypt_optional(self, plaintext: str | None) -> bytes | None:
        return None if plaintext in (None, "") else self.encrypt(plaintext)

    def decrypt_optional(self, blob: bytes | None) -> str | None:
        return None if blob is None else self.decrypt(blob)

    def encrypt_json(self, value: dict[str, Any] | None) -> bytes | None:
        if not value:
            return None
        return self.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def decrypt_json(self, blob: bytes | None) -> dict[str, Any] | None:
        if blob is None:
            return None
        loaded: dict[str, Any] = json.loads(self.decrypt(blob))
        return loaded

    def email_hash(self, email: str | None) -> str | None:
        if not email:
            return None
        normalised = email.strip().lower().encode("utf-8")
        return hmac.new(self._hash_key, normalised, hashlib.sha256).hexdigest()


def generate_key() -> str:
    """A fresh random PII key, base64 encoded."""
    return base64.b64encode(os.urandom(32)).decode("ascii")
