"""Product-page recommendations: ``/v1/recommendations/similar`` and ``/bought-together``.

They sit under ``/v1/recommendations`` so a publishable key (storefront) may call them, and
read with the same scope as ``GET /v1/recommendations``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from shopkeeper.api.deps import RuntimeDep, require
from shopkeeper.domain.access import Scope
from shopkeeper.domain.recommendations import RecommendationResult
from shopkeeper.services.access.principal import Principal
from shopkeeper.services.models import ModelCache
from shopkeeper.services.product_recommendations import bought_together, similar_products

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"])
Reader = Annotated[Principal, Depends(require(Scope.RECOMMENDATIONS_READ))]
Sku = Annotated[str, Query(min_length=1, max_length=64, description="The product on screen")]
K = Annotated[int, Query(ge=1, le=50)]


@router.get("/similar", response_model=RecommendationResult)
def get_similar(
    request: Request, runtime: RuntimeDep, who: Reader, sku: Sku, k: K = 10
) -> RecommendationResult:
    """Up to ``k`` products most like ``sku`` (title, category, brand, attributes).

    Works for a product nobody has viewed or bought yet. An unknown sku answers 404; a
    shop whose content model is not fitted yet answers an empty list with a ``note``.
    """
    models: ModelCache = request.app.state.models
    return similar_products(
        runtime, models, shop_id=who.shop_id, sku=sku, k=k, cache=request.app.state.serving
    )


@router.get("/bought-together", response_model=RecommendationResult)
def get_bought_together(
    request: Request, runtime: RuntimeDep, who: Reader, sku: Sku, k: K = 10
) -> RecommendationResult:
    """Up to ``k`` products frequently bought in the same orders as ``sku``.

    Each item's reason says in how many orders the two were bought together. An unknown
    sku answers 404; without enough orders the list is empty with a ``note``.
    """
    models: ModelCache = request.app.state.models
    return bought_together(
        runtime, models, shop_id=who.shop_id, sku=sku, k=k, cache=request.app.state.serving
    )
