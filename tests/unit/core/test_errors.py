"""The error tree: each error's code, HTTP status and exit code are stable."""

from __future__ import annotations

import pytest

from shopkeeper.core import errors
from shopkeeper.core.errors import ErrorCode, ShopkeeperError

EXPECTED = {
    errors.NotFoundError: (ErrorCode.NOT_FOUND, 404, 4),
    errors.ConflictError: (ErrorCode.CONFLICT, 409, 5),
    errors.InvalidInputError: (ErrorCode.INVALID_INPUT, 422, 2),
    errors.NotFittedError: (ErrorCode.NOT_FITTED, 409, 5),
    errors.GuardrailError: (ErrorCode.GUARDRAIL, 422, 2),
    errors.UpstreamError: (ErrorCode.UPSTREAM, 502, 6),
    errors.AuthenticationError: (ErrorCode.UNAUTHENTICATED, 401, 3),
    errors.PermissionDeniedError: (ErrorCode.PERMISSION_DENIED, 403, 3),
    errors.RateLimitedError: (ErrorCode.RATE_LIMITED, 429, 6),
    errors.IncompatibleArtifactError: (ErrorCode.INCOMPATIBLE_ARTIFACT, 409, 5),
    errors.ConfigurationError: (ErrorCode.CONFIGURATION, 500, 7),
}


@pytest.mark.parametrize(("kind", "expected"), EXPECTED.items(), ids=lambda v: str(v))
def test_each_error_maps_to_its_code_status_and_exit_code(
    kind: type[ShopkeeperError], expected: tuple[ErrorCode, int, int]
) -> None:
    error = kind("something happened", thing="x")
    assert (error.code, error.http_status, error.exit_code) == expected
    assert error.to_dict() == {
        "code": expected[0].value,
        "message": "something happened",
        "details": {"thing": "x"},
    }
    assert isinstance(error, ShopkeeperError)


def test_every_error_class_is_listed_here() -> None:
    defined = {
        obj
        for obj in vars(errors).values()
        if isinstance(obj, type) and issubclass(obj, ShopkeeperError) and obj is not ShopkeeperError
    }
    assert defined == set(EXPECTED)
    assert {code for code, _, _ in EXPECTED.values()} == set(ErrorCode)


def test_code_can_be_overridden_and_codes_are_plain_strings() -> None:
    error = errors.InvalidInputError("bad", code=ErrorCode.GUARDRAIL)
    assert error.to_dict()["code"] == "guardrail"
    assert str(error) == "bad"
    assert ErrorCode.NOT_FOUND == "not_found"
