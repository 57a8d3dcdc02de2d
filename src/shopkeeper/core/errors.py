"""The error tree every layer raises and every entry point translates.

::

    ShopkeeperError(code, message, **details)
    ├── NotFoundError            NOT_FOUND            -> HTTP 404, exit 4
    ├── ConflictError            CONFLICT             -> HTTP 409, exit 5
    ├── InvalidInputError        INVALID_INPUT        -> HTTP 422, exit 2
    ├── NotFittedError           NOT_FITTED           -> HTTP 409, exit 5
    ├── GuardrailError           GUARDRAIL            -> HTTP 422, exit 2
    ├── UpstreamError            UPSTREAM             -> HTTP 502, exit 6
    ├── AuthenticationError      UNAUTHENTICATED      -> HTTP 401, exit 3
    ├── PermissionDeniedError    PERMISSION_DENIED    -> HTTP 403, exit 3
    ├── RateLimitedError         RATE_LIMITED         -> HTTP 429, exit 6
    ├── IncompatibleArtifactError INCOMPATIBLE_ARTIFACT -> HTTP 409, exit 5
    └── ConfigurationError       CONFIGURATION        -> HTTP 500, exit 7

Tests assert on ``code``, never on message wording.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    """Machine-readable identity of an error, stable across releases."""

    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    INVALID_INPUT = "invalid_input"
    NOT_FITTED = "not_fitted"
    GUARDRAIL = "guardrail"
    UPSTREAM = "upstream"
    UNAUTHENTICATED = "unauthenticated"
    PERMISSION_DENIED = "permission_denied"
    RATE_LIMITED = "rate_limited"
    INCOMPATIBLE_ARTIFACT = "incompatible_artifact"
    CONFIGURATION = "configuration"


class ShopkeeperError(Exception):
    """Base of every error the project raises on purpose.

    Examples
    --------
    >>> err = NotFoundError("no product with sku 'X1'", sku="X1")
    >>> err.code, err.details
    (<ErrorCode.NOT_FOUND: 'not_found'>, {'sku': 'X1'})
    """

    default_code: ClassVar[ErrorCode] = ErrorCode.INVALID_INPUT
    http_status: ClassVar[int] = 400
    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, *, code: ErrorCode | None = None, **details: Any) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The JSON body the API returns for this error."""
        return {"code": self.code.value, "message": self.message, "details": self.details}


class NotFoundError(ShopkeeperError):
    default_code = ErrorCode.NOT_FOUND
    http_status = 404
    exit_code = 4


class ConflictError(ShopkeeperError):
    default_code = ErrorCode.CONFLICT
    http_status = 409
    exit_code = 5


class InvalidInputError(ShopkeeperError):
    default_code = ErrorCode.INVALID_INPUT
    http_status = 422
    exit_code = 2


class NotFittedError(ShopkeeperError):
    default_code = ErrorCode.NOT_FITTED
    http_status = 409
    exit_code = 5


class GuardrailError(ShopkeeperError):
    default_code = ErrorCode.GUARDRAIL
    http_status = 422
    exit_code = 2


class UpstreamError(ShopkeeperError):
    default_code = ErrorCode.UPSTREAM
    http_status = 502
    exit_code = 6


class AuthenticationError(ShopkeeperError):
    default_code = ErrorCode.UNAUTHENTICATED
    http_status = 401
    exit_code = 3


class PermissionDeniedError(ShopkeeperError):
    default_code = ErrorCode.PERMISSION_DENIED
    http_status = 403
    exit_code = 3


class RateLimitedError(ShopkeeperError):
    default_code = ErrorCode.RATE_LIMITED
    http_status = 429
    exit_code = 6


class IncompatibleArtifactError(ShopkeeperError):
    default_code = ErrorCode.INCOMPATIBLE_ARTIFACT
    http_status = 409
    exit_code = 5


class ConfigurationError(ShopkeeperError):
    default_code = ErrorCode.CONFIGURATION
    http_status = 500
    exit_code = 7
