"""Recommenders: which products to show a visitor next.

One method a module; all of them fit on an :class:`InteractionLog`, answer a
:class:`RecommendQuery` with a ranking of :class:`ScoredSku` and explain it.
"""

from shopkeeper.ai.recommend.interactions import Interaction, InteractionLog
from shopkeeper.ai.recommend.popularity import PopularityRecommender
from shopkeeper.ai.recommend.ranking import Ranking, RecommendQuery, ScoredSku

__all__ = [
    "Interaction",
    "InteractionLog",
    "PopularityRecommender",
    "Ranking",
    "RecommendQuery",
    "ScoredSku",
]
