"""Recommenders: which products to show a visitor next.

One method a module; all of them fit on an :class:`InteractionLog`, answer a
:class:`RecommendQuery` with a ranking of :class:`ScoredSku` and explain it.
"""

from shopkeeper.ai.recommend.interactions import Interaction, InteractionLog
from shopkeeper.ai.recommend.popularity import PopularityRecommender
from shopkeeper.ai.recommend.ranking import Ranking, RecommendQuery, ScoredSku
from shopkeeper.ai.recommend.sessions import SessionLog, SessionQuery
from shopkeeper.ai.recommend.stan import STANRecommender
from shopkeeper.ai.recommend.vsknn import VSKNNRecommender

__all__ = [
    "Interaction",
    "InteractionLog",
    "PopularityRecommender",
    "Ranking",
    "RecommendQuery",
    "STANRecommender",
    "ScoredSku",
    "SessionLog",
    "SessionQuery",
    "VSKNNRecommender",
]
