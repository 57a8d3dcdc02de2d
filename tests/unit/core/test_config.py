"""Settings: defaults run out of the box, default secrets are refused in production, masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.core.config import DEV_PII_KEY, DEV_SECRET_KEY, Settings, masked
from shopkeeper.core.errors import ConfigurationError

REAL_PII_KEY = "cmVhbC1waWkta2V5LTMyLWJ5dGVzLWxvbmctLS0tLS0="


def make(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_only_development_accepts_the_default_secrets() -> None:
    settings = make(environment="development")
    assert settings.secret_key.get_secret_value() == DEV_SECRET_KEY
    with pytest.raises(ConfigurationError, match="SHOPKEEPER_SECRET_KEY"):
        make(environment="test")


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({}, "SHOPKEEPER_SECRET_KEY"),
        ({"secret_key": "a-real-secret"}, "SHOPKEEPER_PII_KEY"),
        ({"pii_key": REAL_PII_KEY}, "SHOPKEEPER_SECRET_KEY"),
        ({"secret_key": DEV_SECRET_KEY, "pii_key": REAL_PII_KEY}, "SHOPKEEPER_SECRET_KEY"),
        ({"secret_key": "a-real-secret", "pii_key": DEV_PII_KEY}, "SHOPKEEPER_PII_KEY"),
    ],
)
@pytest.mark.parametrize("environment", ["test", "production"])
def test_outside_development_any_default_secret_is_refused(
    environment: str, values: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named) as caught:
        make(environment=environment, **values)
    assert caught.value.code == "configuration"


def test_production_starts_with_real_secrets() -> None:
    settings = make(environment="production", secret_key="a-real-secret", pii_key=REAL_PII_KEY)
    assert settings.environment == "production"


def test_environment_variables_are_read_and_production_refusal_applies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOPKEEPER_ENVIRONMENT", "production")
    with pytest.raises(ConfigurationError):
        make()
    monkeypatch.setenv("SHOPKEEPER_SECRET_KEY", "from-env")
    monkeypatch.setenv("SHOPKEEPER_PII_KEY", REAL_PII_KEY)
    monkeypatch.setenv("SHOPKEEPER_RATE_LIMIT_PER_MINUTE", "77")
    assert make().rate_limit_per_minute == 77


SECRETISH = st.text(
    alphabet=st.characters(min_codepoint=48, max_codepoint=122, categories=["L", "N"]),
    min_size=8,
    max_size=30,
)


@given(secret=SECRETISH, password=SECRETISH, smtp=SECRETISH)
def test_masked_hides_every_secret_and_url_password(secret: str, password: str, smtp: str) -> None:
    settings = make(
        secret_key=f"sk-{secret}",
        smtp_password=f"smtp-{smtp}",
        database_url=f"postgresql+psycopg://shop:pw-{password}@db.internal:5432/shop",
        redis_url=f"redis://:rd-{password}@cache:6379/0",
    )
    shown = masked(settings)
    everything = "\n".join(shown.values())
    for hidden in (f"sk-{secret}", f"smtp-{smtp}", f"pw-{password}", f"rd-{password}", DEV_PII_KEY):
        assert hidden not in everything
    assert shown["database_url"] == "postgresql+psycopg://shop:****@db.internal:5432/shop"
    assert shown["secret_key"] == "********"
    assert shown["smtp_password"] == "********"


def test_masked_leaves_plain_settings_readable() -> None:
    shown = masked(make(database_url="sqlite:///./x.db", port=9000))
    assert shown["database_url"] == "sqlite:///./x.db"
    assert shown["port"] == "9000"
    assert shown["smtp_password"] == "(unset)"
    assert set(shown) == set(Settings.model_fields)
