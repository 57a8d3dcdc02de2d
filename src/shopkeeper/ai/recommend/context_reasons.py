"""Short reasons read from the re-ranker's own feature contributions.

The feature that pushed a candidate up the most, beyond the generators' own popularity
and rank, names the reason, worded for the bucket the request fell in: the rain lift on
a wet day reads "popular on rainy days", the hour lift in the evening "popular in the
evening"; a weather lift with the hour lift close behind reads "popular on rainy
evenings". A push is only named when the history backs it (a real lift, a real trend).
A candidate carried by the session model gets the key ``"session"``; the caller words it
with the product viewed. Nothing worth naming: "popular lately".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from shopkeeper.ai.recommend.context_features import RequestContext

SESSION_KEY = "session"
POPULAR_KEY = "popular"
_WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
_RAIN = ("dry", "drizzly", "rainy", "very rainy")
_HEAT = ("cold", "mild", "warm", "hot")
_HOUR = ("at night", "in the morning", "in the afternoon", "in the evening")
_HOUR_PLURAL = ("nights", "mornings", "afternoons", "evenings")
# A second push this share of the first is worth naming with it.
COMBINE_SHARE = 0.5
# Pushes below this (in score units) are the trees' rounding noise.
MIN_PUSH = 0.02
# A sentence about the context needs history behind it as well as a push: the category
# sells at least 15% more in this bucket than overall (lifts are log ratios), the item
# sells at 1.5 times its pace of the last four weeks, its category is searched 30% more
# than in the four weeks before, the price is 15% under its kind's.
MIN_LIFT = math.log(1.15)
MIN_TREND = math.log(1.5)
MIN_SEARCH = math.log(1.3)
MAX_PRICE = math.log(0.85)
_SESSION_FEATURES = ("session_score", "from_session")


def _phrase(feature: str, bucket: dict[str, int]) -> str | None:
    phrases = {
        "lift_rain": f"popular on {_RAIN[bucket['rain']]} days",
        "lift_heat": f"popular in {_HEAT[bucket['heat']]} weather",
        "lift_hour": f"popular {_HOUR[bucket['hour']]}",
        "lift_weekday": f"popular on {_WEEKDAYS[bucket['weekday']]}",
        "lift_season": f"popular in {_MONTHS[bucket['season']]}",
        "lift_event": "popular during local events" if bucket["event"] else None,
        "trend": "trending this week",
        "search_trend": "searched more than usual",
        "price_vs_category": "a good price for its kind",
    }
    return phrases.get(feature)


def _weather_word(feature: str, bucket: dict[str, int]) -> str | None:
    if feature == "lift_rain":
        return _RAIN[bucket["rain"]]
    if feature == "lift_heat":
        return _HEAT[bucket["heat"]]
    return None


def _backed(name: str, values: Mapping[str, float] | None) -> bool:
    """Whether the candidate's own value backs the sentence a push would make.

    A push can come from a low value (the trees may favour "not from the session" or a
    category that sells *less* in the rain); "popular on rainy days" would then be false.
    """
    value = None if values is None else values.get(name)
    if value is None:
        return True
    if name.startswith("lift_"):
        return value >= MIN_LIFT
    if name == "search_trend":
        return value >= MIN_SEARCH
    if name == "trend":
        return value >= MIN_TREND
    if name == "price_vs_category":
        return value <= MAX_PRICE
    return value > 0 if name in _SESSION_FEATURES else True


def reason_for(
    contributions: Sequence[tuple[str, float]],
    context: RequestContext,
    values: Mapping[str, float] | None = None,
) -> tuple[str, str]:
    """``(key, text)`` for the strongest positive contributions (largest first).

    ``key`` is the feature named, :data:`SESSION_KEY` or :data:`POPULAR_KEY`;
    ``values`` are the candidate's feature values, so a push is only named when the
    value backs it (see :func:`_backed`).

    Examples
    --------
    >>> from datetime import date
    >>> ctx = RequestContext(day=date(2026, 5, 3), hour=20, weekday=6, month=5, precip_mm=9.0)
    >>> reason_for([("lift_rain", 0.4), ("lift_hour", 0.3)], ctx)
    ('lift_rain', 'Popular on rainy evenings')
    >>> reason_for([("session_score", 0.9), ("lift_rain", 0.1)], ctx)[0]
    'session'
    """
    bucket = context.buckets()
    # The generators' own features (popularity, rank) are what "popular lately" already
    # says; a reason names the strongest push beyond them.
    named = sorted(
        (
            (n, v)
            for n, v in contributions
            if v >= MIN_PUSH
            and _backed(n, values)
            and (n in _SESSION_FEATURES or _phrase(n, bucket) is not None)
        ),
        key=lambda p: -p[1],
    )
    if not named:
        return POPULAR_KEY, "Popular lately"
    name, value = named[0]
    if name in _SESSION_FEATURES:
        return SESSION_KEY, "Because you viewed a related product"
    text = str(_phrase(name, bucket))
    weather = _weather_word(name, bucket)
    partner = next((p for p in named[1:] if p[0] == "lift_hour"), None)
    if weather and partner and partner[1] >= COMBINE_SHARE * value:
        text = f"popular on {weather} {_HOUR_PLURAL[bucket['hour']]}"
    return name, text[0].upper() + text[1:]
