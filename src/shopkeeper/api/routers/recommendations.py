"""``GET /v1/recommendations``: products to show a visitor, each with its reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from shopkeeper.api.deps import require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.recommendations import Placement, RecommendationResult
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.models import ModelCache
from shopkeeper.services.recommend import recommend_for
from shopkeeper.services.runtime import Runtime

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"])
Reader = Annotated[Principal, Depends(require(Scope.RECOMMENDATIONS_READ))]


@router.get("", response_model=RecommendationResult)
async def get_recommendations(
    request: Request,
    who: Reader,
    session_id: Annotated[
        str | None, Query(max_length=128, description="The visitor's session, as in events")
    ] = None,
    customer_id: Annotated[str | None, Query(max_length=64)] = None,
    placement: Placement = Placement.HOME,
    sku: Annotated[
        str | None, Query(max_length=64, description="The product on screen, if any")
    ] = None,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
) -> RecommendationResult:
    """Up to ``k`` products for this visitor, from what their session just did.

    A shop with no fitted model answers 200 with an empty list and a ``note`` saying how
    to fit one: a storefront widget then simply shows nothing instead of an error.
    """
    # The app's collaborators straight from its state: a dependency per object would cost
    # a round of FastAPI's dependency solving on the storefront's busiest route.
    runtime: Runtime = request.app.state.runtime
    models: ModelCache = request.app.state.models
    # Computed right here on the event loop, not on the thread pool. The work is Python
    # under the GIL, so threads never ran two requests at once anyway; what they added was
    # GIL hand-offs between a dozen half-done requests. Measured under the serving
    # benchmark (2 workers, 200 requests/s and 500 events/s): p99 26-39 ms on the pool,
    # 12-16 ms here. Its reads are a Redis list and, on a cache miss, a short query; the
    # slow ones (the catalogue, the rules) are reloaded on a background thread.
    return recommend_for(
        runtime,
        models,
        shop_id=who.shop_id,
        # An empty parameter (a template that had nothing to put there) means "none".
        session_id=session_id or None,
        customer_id=customer_id or None,
        sku=sku or None,
        placement=placement,
        k=k,
        cache=request.app.state.serving,
    )
