"""ImplicitALSRecommender: customers' purchases and sessions, fold-in, exclusions, reasons."""

from __future__ import annotations

import pytest

from shopkeeper.ai.recommend import SessionLog, SessionQuery
from shopkeeper.ai.recommend.collaborative import ImplicitALSRecommender
from shopkeeper.ai.recommend.histories import PurchaseHistories
from shopkeeper.core.errors import InvalidInputError, NotFittedError

# Two tastes: tea people and shoe people; one tea customer has not found the pot yet.
TEA = ("TEA", "CUP", "POT", "KETTLE")
SHOES = ("SHOE", "SOCK", "LACE", "POLISH")


def histories() -> PurchaseHistories:
    customers = [f"T{i}" for i in range(8)] + [f"S{i}" for i in range(8)] + ["NEW-TEA"]
    skus = [TEA] * 8 + [SHOES] * 8 + [("TEA", "CUP")]
    return PurchaseHistories(customers=tuple(customers), skus=tuple(skus))


def model() -> ImplicitALSRecommender:
    return ImplicitALSRecommender(factors=2, regularization=0.1, alpha=20.0, iterations=20)


def skus(ranking: tuple[object, ...]) -> list[str]:
    return [s.sku for s in ranking]  # type: ignore[attr-defined]


def test_a_customer_gets_what_customers_like_them_bought() -> None:
    fitted = model().fit(histories())
    query = fitted.customer_query("NEW-TEA", k=2, exclude_bought=True)
    assert set(skus(fitted.predict(query))) == {"POT", "KETTLE"}


def test_bought_items_stay_candidates_unless_excluded() -> None:
    fitted = model().fit(histories())
    kept = skus(fitted.predict(fitted.customer_query("NEW-TEA", k=4)))
    assert set(kept) == set(TEA)
    dropped = skus(fitted.predict(fitted.customer_query("NEW-TEA", k=4, exclude_bought=True)))
    assert "TEA" not in dropped
    assert "CUP" not in dropped


def test_explain_names_the_customers_own_items() -> None:
    fitted = model().fit(histories())
    query = fitted.customer_query("NEW-TEA", k=1, exclude_bought=True)
    explanation = fitted.explain(query, fitted.predict(query))
    names = {f.name for f in explanation.factors}
    assert names <= {"bought:TEA", "bought:CUP"}
    assert names
    assert all(f.weight > 0 for f in explanation.factors)


def test_unknown_customer_and_unknown_items_get_nothing() -> None:
    fitted = model().fit(histories())
    assert fitted.predict(fitted.customer_query("nobody")) == ()
    assert fitted.predict(SessionQuery(items=("NEVER-SEEN",))) == ()
    assert "no personal suggestion" in fitted.explain(SessionQuery(items=()), ()).summary


def test_sessions_fold_in_and_explain_as_viewed() -> None:
    log = SessionLog(sessions=(TEA,) * 6 + (SHOES,) * 6)
    fitted = model().fit(log)
    query = SessionQuery(items=("SOCK",), k=3, exclude=frozenset({"SOCK"}))
    assert set(skus(fitted.predict(query))) == {"SHOE", "LACE", "POLISH"}
    factor = fitted.explain(query, fitted.predict(query)).factors[0]
    assert factor.name == "viewed:SOCK"


def test_the_latest_click_leads_with_position_decay() -> None:
    log = SessionLog(sessions=(TEA,) * 6 + (SHOES,) * 6)
    fitted = ImplicitALSRecommender(factors=2, alpha=20.0, lambda_position=0.5).fit(log)
    query = SessionQuery(items=("TEA", "SOCK"), k=2, exclude=frozenset({"TEA", "SOCK"}))
    assert set(skus(fitted.predict(query))) <= set(SHOES)


def test_fit_is_deterministic_whatever_the_threads() -> None:
    one = ImplicitALSRecommender(factors=8, threads=1).fit(histories())
    two = ImplicitALSRecommender(factors=8, threads=2).fit(histories())
    assert one.item_factors_ == pytest.approx(two.item_factors_)


def test_bad_parameters_and_unfitted_use_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        ImplicitALSRecommender(factors=0).fit(histories())
    with pytest.raises(InvalidInputError):
        ImplicitALSRecommender(alpha=0.0).fit(histories())
    with pytest.raises(NotFittedError):
        ImplicitALSRecommender().predict(SessionQuery(items=("TEA",)))
    with pytest.raises(InvalidInputError):
        PurchaseHistories(customers=("A", "A"), skus=(("X",), ("Y",)))


def test_an_empty_history_fits_and_answers_nothing() -> None:
    fitted = ImplicitALSRecommender().fit(SessionLog(sessions=()))
    assert fitted.predict(SessionQuery(items=("TEA",))) == ()


def test_histories_gather_purchases_by_customer_oldest_first() -> None:
    made = PurchaseHistories.from_purchases([("C1", "A"), ("C2", "B"), ("C1", "A"), ("C1", "D")])
    assert made.customers == ("C1", "C2")
    assert made.of("C1") == ("A", "A", "D")
