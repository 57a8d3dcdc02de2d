"""Holdout assignment: stable, proportional and independent across capabilities."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.core.errors import ErrorCode, InvalidInputError
from shopkeeper.data.database import transaction
from shopkeeper.domain.proposals import Capability
from shopkeeper.domain.shops import Shop
from shopkeeper.services import holdout, modes
from shopkeeper.services.holdout import Group, bucket, group_for
from shopkeeper.services.runtime import Runtime

IDS = [f"session-{n}" for n in range(20_000)]
capabilities = st.sampled_from(list(Capability))
salts = st.text(min_size=1, max_size=24)


@given(subject=st.text(max_size=64), capability=capabilities, salt=salts)
def test_same_id_same_group(subject: str, capability: Capability, salt: str) -> None:
    first = bucket(subject, capability, salt)
    assert 0.0 <= first < 1.0
    assert bucket(subject, capability, salt) == first
    assert group_for(subject, capability, salt, 0.3) is group_for(subject, capability, salt, 0.3)


@given(
    subject=st.text(max_size=64),
    capability=capabilities,
    salt=salts,
    low=st.floats(0, 1),
    high=st.floats(0, 1),
)
def test_raising_the_share_only_moves_people_into_holdout(
    subject: str, capability: Capability, salt: str, low: float, high: float
) -> None:
    low, high = sorted((low, high))
    if group_for(subject, capability, salt, low) is Group.HOLDOUT:
        assert group_for(subject, capability, salt, high) is Group.HOLDOUT


@settings(max_examples=15, deadline=None)
@given(capability=capabilities, salt=salts, share=st.floats(0.0, 0.5))
def test_observed_fraction_matches_share(capability: Capability, salt: str, share: float) -> None:
    held = sum(group_for(i, capability, salt, share) is Group.HOLDOUT for i in IDS)
    # Binomial standard deviation at 20k draws is at most 0.0036; 0.015 is about 4 sigma.
    assert abs(held / len(IDS) - share) < 0.015


@settings(max_examples=10, deadline=None)
@given(pair=st.lists(capabilities, min_size=2, max_size=2, unique=True), salt=salts)
def test_capabilities_are_independent(pair: list[Capability], salt: str) -> None:
    first, second = pair
    both = sum(
        group_for(i, first, salt, 0.5) is Group.HOLDOUT
        and group_for(i, second, salt, 0.5) is Group.HOLDOUT
        for i in IDS
    )
    # Independent halves overlap on a quarter of the ids; correlated ones near 0 or 0.5.
    assert abs(both / len(IDS) - 0.25) < 0.015


def test_salt_changes_the_assignment() -> None:
    same = sum(bucket(i, "pricing", "a") == bucket(i, "pricing", "b") for i in IDS[:1000])
    assert same == 0


@pytest.mark.postgres
def test_share_is_stored_per_capability_and_audited(runtime: Runtime, shop: Shop) -> None:
    with transaction(runtime.sessions) as session:
        assert holdout.holdout_share(session, shop.id, Capability.PRICING) == 0.1
        holdout.set_holdout_share(
            session,
            runtime.clock,
            shop_id=shop.id,
            capability=Capability.PRICING,
            share=0.0,
            actor="owner",
        )
        with pytest.raises(InvalidInputError) as caught:
            holdout.set_holdout_share(
                session,
                runtime.clock,
                shop_id=shop.id,
                capability=Capability.PRICING,
                share=0.9,
                actor="owner",
            )
        assert caught.value.code is ErrorCode.INVALID_INPUT
    with runtime.sessions() as session:
        assert holdout.holdout_share(session, shop.id, Capability.PRICING) == 0.0
        assert holdout.holdout_share(session, shop.id, Capability.RECOMMEND) == 0.1
        # Nobody is held out at share 0, and setting the share kept the default mode.
        assert all(
            holdout.assign(session, shop.id, Capability.PRICING, i) is Group.TREATMENT
            for i in IDS[:500]
        )
        pricing = next(
            s for s in modes.list_settings(session, shop.id) if s.capability == "pricing"
        )
        assert (pricing.mode, pricing.holdout_share, pricing.inherited) == ("suggest", 0.0, False)
