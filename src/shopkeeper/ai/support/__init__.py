"""Customer-service understanding: normalise messages, classify intents, find entities.

Names exported here are the package's public surface; each module holds one concept.
"""

from shopkeeper.ai.support.entities import ENTITY_TYPES, Entity, extract_entities
from shopkeeper.ai.support.faq import FaqAnswer, FaqDocument, FaqRetriever, demo_faq_documents
from shopkeeper.ai.support.intents import (
    IntentClassifier,
    IntentExamples,
    IntentPrediction,
    IntentQuery,
    default_examples,
    load_examples,
)
from shopkeeper.ai.support.language import detect_language
from shopkeeper.ai.support.normalise import normalise
from shopkeeper.ai.support.tone import Tone, assess_tone

__all__ = [
    "ENTITY_TYPES",
    "Entity",
    "FaqAnswer",
    "FaqDocument",
    "FaqRetriever",
    "IntentClassifier",
    "IntentExamples",
    "IntentPrediction",
    "IntentQuery",
    "Tone",
    "assess_tone",
    "default_examples",
    "demo_faq_documents",
    "detect_language",
    "extract_entities",
    "load_examples",
    "normalise",
]
