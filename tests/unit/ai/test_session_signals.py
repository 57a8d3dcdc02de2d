"""Session signals: each one moves an item's weight the documented way, and the weights
move the session recommenders' answers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.ai.recommend import SessionLog, SessionQuery, STANRecommender, VSKNNRecommender
from shopkeeper.ai.recommend import session_signals as sig
from shopkeeper.ai.recommend.session_signals import LiveSession, SessionStep
from shopkeeper.core.errors import InvalidInputError


def view(sku: str, at: float = 0.0, dwell_ms: int | None = None) -> SessionStep:
    return SessionStep("view", at, sku=sku, dwell_ms=dwell_ms)


def weights(*steps: SessionStep) -> dict[str, float]:
    return LiveSession.from_steps(steps).weights()


# --- each signal --------------------------------------------------------------------------


def test_a_plain_view_weighs_one_until_its_dwell_is_reported() -> None:
    assert weights(view("A")) == {"A": 1.0}


def test_a_bounce_lowers_and_a_long_dwell_raises() -> None:
    bounced = weights(view("A"), view("A", 2.0, dwell_ms=sig.BOUNCE_MS - 1))["A"]
    read = weights(view("A"), view("A", 40.0, dwell_ms=sig.LONG_DWELL_MS + 1))["A"]
    middle = weights(view("A"), view("A", 10.0, dwell_ms=10_000))["A"]
    assert bounced == pytest.approx(sig.BOUNCE_FACTOR)
    assert bounced < 1.0
    assert read == pytest.approx(sig.LONG_DWELL_FACTOR)
    assert read > 1.0
    assert middle == 1.0


def test_dwell_reports_add_up_and_are_not_new_views() -> None:
    # The tracker reports visible time in parts (tab hidden, then left): 20 s + 15 s.
    live = LiveSession.from_steps([view("A"), view("A", 20.0, 20_000), view("A", 40.0, 15_000)])
    assert live.weights()["A"] == pytest.approx(sig.LONG_DWELL_FACTOR)
    assert "repeat_views" not in live.signals()[0].reasons


def test_repeated_views_raise_the_weight_up_to_a_cap() -> None:
    counts = [weights(*[view("A", float(i)) for i in range(n)])["A"] for n in range(1, 8)]
    assert counts[:4] == pytest.approx([1.0, 1.3, 1.6, 1.9])
    assert counts[4:] == pytest.approx([1.0 + sig.MAX_REPEAT_BONUS] * 3)


def test_the_cart_raises_and_add_then_remove_lowers_below_a_view() -> None:
    added = SessionStep("add_to_cart", 1.0, sku="A", quantity=2)
    assert weights(view("A"), added)["A"] == pytest.approx(sig.CART_FACTOR)
    removed = weights(view("A"), added, SessionStep("remove_from_cart", 2.0, sku="A"))
    assert removed["A"] == pytest.approx(sig.REMOVED_FACTOR)
    assert removed["A"] < 1.0
    # Taking one of two out leaves it in the cart; putting it back undoes the removal.
    partial = SessionStep("remove_from_cart", 2.0, sku="A", quantity=1)
    assert LiveSession.from_steps([added, partial]).cart == ("A",)
    back = [added, SessionStep("remove_from_cart", 2.0, sku="A"), added]
    assert weights(*back)["A"] == pytest.approx(sig.CART_FACTOR)


def test_hesitation_and_deep_scroll_raise_a_shallow_scroll_does_not() -> None:
    assert weights(view("A"), SessionStep("hesitation", 1.0, sku="A", dwell_ms=2000))[
        "A"
    ] == pytest.approx(sig.HESITATION_FACTOR)
    deep = SessionStep("scroll", 1.0, sku="A", scroll_pct=sig.DEEP_SCROLL_PCT)
    shallow = SessionStep("scroll", 1.0, sku="A", scroll_pct=30.0)
    assert weights(view("A"), deep)["A"] == pytest.approx(sig.DEEP_SCROLL_FACTOR)
    assert weights(view("A"), shallow)["A"] == 1.0
    # A listing page has no sku: its scroll says nothing about an item.
    assert weights(view("A"), SessionStep("scroll", 1.0, scroll_pct=100.0)) == {"A": 1.0}


def test_items_opened_after_a_search_weigh_more_only_the_first_few() -> None:
    steps = [view("BEFORE"), SessionStep("search", 1.0, query="  red   tent ")]
    steps += [view(f"R{i}", 2.0 + i) for i in range(sig.SEARCH_REACH + 1)]
    live = LiveSession.from_steps(steps)
    found = live.weights()
    assert found["BEFORE"] == 1.0
    assert [found[f"R{i}"] for i in range(sig.SEARCH_REACH)] == pytest.approx(
        [sig.SEARCH_FACTOR] * sig.SEARCH_REACH
    )
    assert found[f"R{sig.SEARCH_REACH}"] == 1.0
    assert live.searches == ["red tent"]
    assert (
        live.signals()[1].describe("the red tent") == 'you found the red tent searching "red tent"'
    )


def test_searches_keep_only_the_most_recent() -> None:
    live = LiveSession.from_steps(
        SessionStep("search", float(i), query=f"q{i}") for i in range(sig.MAX_SEARCHES + 2)
    )
    assert live.searches == [f"q{i}" for i in range(2, sig.MAX_SEARCHES + 2)]


def test_a_purchase_empties_the_cart_and_keeps_the_items_strong() -> None:
    live = LiveSession.from_steps(
        [SessionStep("add_to_cart", 0.0, sku="A"), SessionStep("purchase", 5.0)]
    )
    assert live.cart == ()
    assert live.weights()["A"] == pytest.approx(sig.PURCHASE_FACTOR)
    assert live.strongest() is not None
    assert live.strongest().describe() == "you bought A"


def test_a_quiet_cart_without_checkout_is_abandoned() -> None:
    live = LiveSession.from_steps([view("A"), SessionStep("add_to_cart", 10.0, sku="A")])
    assert live.abandoned_cart(at=10.0 + sig.ABANDONED_AFTER_S - 1) == ()
    assert live.abandoned_cart(at=10.0 + sig.ABANDONED_AFTER_S) == ("A",)
    live.update(SessionStep("checkout_start", 20.0))
    assert live.abandoned_cart(at=20.0 + sig.ABANDONED_AFTER_S) == ()


def test_the_order_follows_the_last_touch_not_dwell_reports() -> None:
    live = LiveSession.from_steps([view("A"), view("B", 1.0), view("A", 2.0, dwell_ms=5000)])
    assert live.items == ("A", "B")
    live.update(view("A", 3.0))
    assert live.items == ("B", "A")


def test_what_the_shop_showed_is_not_what_the_visitor_did() -> None:
    shown = [SessionStep("recommendation_impression", 1.0, sku=s) for s in ("B", "C")]
    live = LiveSession.from_steps([view("A"), *shown])
    assert live.items == ("A",)
    assert live.weights() == {"A": 1.0}


def test_the_query_carries_one_weight_per_item() -> None:
    live = LiveSession.from_steps(
        [view("A"), view("A", 1.0, 900), view("B", 2.0), SessionStep("add_to_cart", 3.0, sku="C")]
    )
    query = live.query(k=5, exclude=frozenset({"C"}), at=9.0)
    assert (query.items, query.weights, query.k, query.at) == (
        ("A", "B", "C"),
        (sig.BOUNCE_FACTOR, 1.0, sig.CART_FACTOR),
        5,
        9.0,
    )
    assert live.query(max_items=2).items == ("B", "C")
    # The product on screen goes last, keeping its signals or weighing 1 if not yet recorded.
    assert live.query(current="A").items == ("B", "C", "A")
    assert live.query(current="A").weights == (1.0, sig.CART_FACTOR, sig.BOUNCE_FACTOR)
    assert live.query(current="NEW", max_items=2).weights == (sig.CART_FACTOR, 1.0)


def test_the_explanation_names_the_heaviest_item_and_why() -> None:
    live = LiveSession.from_steps([view("TENT"), view("TENT", 40.0, 45_000), view("MUG", 41.0)])
    explanation = live.explanation({"TENT": "the green tent"})
    assert explanation.summary == "You looked at the green tent for a while."
    assert explanation.factors[0].name == "interest:TENT"
    assert explanation.factors[0].detail == "long_dwell"
    assert LiveSession().explanation().summary.startswith("Nothing")


# --- purity: folding one by one equals building from all ----------------------------------

step_types = st.sampled_from(
    [
        "view",
        "click",
        "add_to_cart",
        "remove_from_cart",
        "search",
        "scroll",
        "hesitation",
        "checkout_start",
        "purchase",
        "recommendation_click",
        "chat_open",
    ]
)
steps = st.lists(
    st.builds(
        SessionStep,
        type=step_types,
        at=st.floats(0, 1e6),
        sku=st.none() | st.sampled_from(["A", "B", "C", "D"]),
        dwell_ms=st.none() | st.integers(0, 120_000),
        query=st.none() | st.text(max_size=8),
        quantity=st.none() | st.integers(1, 3),
        scroll_pct=st.none() | st.floats(0, 100),
    ),
    max_size=30,
)


@given(steps=steps, cut=st.integers(0, 30))
def test_folding_step_by_step_equals_building_from_all(steps: list[SessionStep], cut: int) -> None:
    whole = LiveSession.from_steps(steps)
    folded = LiveSession.from_steps(steps[:cut])
    for step in steps[cut:]:
        folded.update(step)
    assert folded == whole
    assert folded.signals() == whole.signals()
    assert LiveSession.from_steps(steps).query() == whole.query()


@given(steps=steps)
def test_weights_are_positive_and_make_a_valid_query(steps: list[SessionStep]) -> None:
    live = LiveSession.from_steps(steps)
    query = live.query(k=10)
    assert query.weights is not None
    assert len(query.weights) == len(query.items)
    assert all(math.isfinite(w) and w > 0 for w in query.weights)
    assert set(live.cart) <= set(live.items)


# --- weights in the session recommenders --------------------------------------------------


@pytest.mark.parametrize("weights", [(1.0,), (1.0, -0.1), (1.0, math.nan)])
def test_bad_weights_are_refused(weights: tuple[float, ...]) -> None:
    with pytest.raises(InvalidInputError):
        SessionQuery(items=("A", "B"), weights=weights)


LOG = SessionLog(sessions=(("A", "X"), ("A", "X"), ("B", "Y"), ("B", "Y"), ("A", "B")))


@pytest.mark.parametrize(
    "model",
    [
        STANRecommender(lambda_recency=None),
        VSKNNRecommender(idf_weight=0.0),
    ],
    ids=["stan", "vsknn"],
)
def test_weights_change_the_ranking(model: STANRecommender | VSKNNRecommender) -> None:
    model.fit(LOG)
    exclude = frozenset({"A", "B"})

    def top(weights: tuple[float, float] | None) -> str:
        return model.predict(SessionQuery(("A", "B"), k=5, exclude=exclude, weights=weights))[0].sku

    # Unweighted, the last click (B) leads; a long look at A and a bounce off B turn it round.
    assert top(None) == "Y"
    assert top((sig.LONG_DWELL_FACTOR * sig.CART_FACTOR, sig.BOUNCE_FACTOR)) == "X"
    query = SessionQuery(("A", "B"), k=5, exclude=exclude, weights=(3.0, 0.5))
    assert "A" in model.explain(query, model.predict(query)).summary


@pytest.mark.parametrize("model", [STANRecommender(), VSKNNRecommender()], ids=["stan", "vsknn"])
def test_weights_of_one_answer_exactly_as_no_weights(
    model: STANRecommender | VSKNNRecommender,
) -> None:
    model.fit(LOG)
    for items in [("A",), ("A", "B"), ("B", "NEW", "A", "B")]:
        plain = model.predict(SessionQuery(items, k=10))
        ones = model.predict(SessionQuery(items, k=10, weights=(1.0,) * len(items)))
        assert [s.sku for s in ones] == [s.sku for s in plain]
        assert [s.score for s in ones] == pytest.approx([s.score for s in plain])


def test_stan_boosts_a_viewed_item_less_once_it_left_the_cart() -> None:
    model = STANRecommender(lambda_recency=None).fit(LOG)
    query = SessionQuery(("A", "B"), k=5)
    scores = {s.sku: s.score for s in model.predict(query)}
    removed = SessionQuery(("A", "B"), k=5, weights=(sig.REMOVED_FACTOR, 1.0))
    lowered = {s.sku: s.score for s in model.predict(removed)}
    assert lowered["A"] < scores["A"]
    assert lowered["A"] / lowered["B"] < scores["A"] / scores["B"]


def test_the_step_types_read_are_event_types() -> None:
    from shopkeeper.domain.events import EventType

    read = {sig._VIEW, sig._ADD, sig._REMOVE, sig._SEARCH, sig._SCROLL, sig._HESITATION}
    read |= {sig._CHECKOUT, sig._PURCHASE, *sig._TOUCHES}
    assert read <= {t.value for t in EventType}
