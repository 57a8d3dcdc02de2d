"""What the assistant says, in French and English.

One table, so an owner (or a translator) finds every sentence in one place; values are
``str.format`` templates filled by the dialogue.
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, dict[str, str]] = {
    "greeting": {
        "fr": "Bonjour ! Je peux suivre une commande, ouvrir un retour, changer une adresse "
        "de livraison, annuler une commande, renvoyer une facture ou répondre à vos questions "
        "sur nos produits et nos conditions. Que puis-je faire pour vous ?",
        "en": "Hello! I can track an order, start a return, change a delivery address, cancel "
        "an order, resend an invoice or answer questions about our products and policies. "
        "How can I help?",
    },
    "goodbye": {
        "fr": "Merci, bonne journée ! Cette conversation vous a-t-elle aidé ? 👍 / 👎",
        "en": "Thank you, have a nice day! Did this conversation help? 👍 / 👎",
    },
    "anything_else": {
        "fr": "Puis-je faire autre chose pour vous ?",
        "en": "Is there anything else I can do for you?",
    },
    "ask_order_number": {
        "fr": "Quel est votre numéro de commande ? Il figure dans l'e-mail de confirmation.",
        "en": "What is your order number? You will find it in the confirmation email.",
    },
    "ask_identity": {
        "fr": "Pour vérifier qu'il s'agit bien de vous, quelle est l'adresse e-mail de la "
        "commande (ou le code postal de livraison) ?",
        "en": "To check it is you, what is the email address used for the order (or the "
        "delivery postcode)?",
    },
    "identity_mismatch": {
        "fr": "Ces informations ne correspondent à aucune commande. Pouvez-vous vérifier le "
        "numéro de commande et l'adresse e-mail (ou le code postal) ?",
        "en": "These details do not match an order. Could you check the order number and the "
        "email address (or postcode)?",
    },
    "status_processing": {
        "fr": "Votre commande {order} est en préparation : elle partira de notre entrepôt "
        "d'ici le {ships_by} et arrivera normalement entre le {arrives_from} et le {arrives_to}.",
        "en": "Your order {order} is being prepared: it will leave our warehouse by {ships_by} "
        "and should arrive between {arrives_from} and {arrives_to}.",
    },
    "status_shipped": {
        "fr": "Votre commande {order} a été expédiée le {shipped} avec {carrier} (suivi : "
        "{tracking}). Livraison prévue entre le {arrives_from} et le {arrives_to}.",
        "en": "Your order {order} was shipped on {shipped} with {carrier} (tracking: "
        "{tracking}). Expected delivery between {arrives_from} and {arrives_to}.",
    },
    "status_delivered": {
        "fr": "Votre commande {order} a été livrée le {delivered} ({carrier}, suivi {tracking}).",
        "en": "Your order {order} was delivered on {delivered} ({carrier}, tracking {tracking}).",
    },
    "status_cancelled": {
        "fr": "Votre commande {order} est annulée ; si vous aviez payé, le remboursement est "
        "fait sur votre moyen de paiement.",
        "en": "Your order {order} is cancelled; if you had paid, the refund goes back to your "
        "payment method.",
    },
    "status_returned": {
        "fr": "Votre commande {order} a été retournée ; le remboursement intervient sous 14 "
        "jours après réception du retour.",
        "en": "Your order {order} was returned; the refund follows within 14 days of the "
        "return reaching us.",
    },
    "status_other": {
        "fr": "Votre commande {order} est au statut « {status} ».",
        "en": "Your order {order} has the status \u201c{status}\u201d.",
    },
    "cancel_confirm": {
        "fr": "Je peux annuler la commande {order} ({total}). Confirmez-vous l'annulation ? "
        "(oui / non)",
        "en": "I can cancel order {order} ({total}). Do you confirm the cancellation? (yes / no)",
    },
    "cancel_done": {
        "fr": "C'est fait : la commande {order} est annulée. Le remboursement de {total} est "
        "fait sur votre moyen de paiement.",
        "en": "Done: order {order} is cancelled. The refund of {total} goes back to your "
        "payment method.",
    },
    "cancel_too_late": {
        "fr": "La commande {order} est déjà partie, je ne peux plus l'annuler. Vous pouvez "
        "refuser le colis à la livraison ou nous le retourner sous 30 jours.",
        "en": "Order {order} has already left, so I can no longer cancel it. You can refuse "
        "the parcel on delivery or return it within 30 days.",
    },
    "cancel_already": {
        "fr": "La commande {order} est déjà annulée.",
        "en": "Order {order} is already cancelled.",
    },
    "address_too_late": {
        "fr": "La commande {order} est déjà expédiée : l'adresse ne peut plus être modifiée. "
        "Vous pouvez refuser le colis ou nous le retourner après livraison.",
        "en": "Order {order} has already been shipped, so its address can no longer be "
        "changed. You can refuse the parcel or return it after delivery.",
    },
    "ask_new_address": {
        "fr": "Quelle est la nouvelle adresse de livraison (numéro, rue, code postal, ville) ?",
        "en": "What is the new delivery address (number, street, postcode, city)?",
    },
    "address_confirm": {
        "fr": "Je remplace l'adresse de livraison de la commande {order} par : {address}. "
        "Confirmez-vous ? (oui / non)",
        "en": "I will change the delivery address of order {order} to: {address}. Do you "
        "confirm? (yes / no)",
    },
    "address_done": {
        "fr": "C'est fait : la commande {order} sera livrée au {address}.",
        "en": "Done: order {order} will be delivered to {address}.",
    },
    "return_not_delivered": {
        "fr": "La commande {order} n'a pas encore été livrée : un retour s'ouvre après la "
        "livraison (et tant qu'elle n'est pas expédiée, vous pouvez l'annuler).",
        "en": "Order {order} has not been delivered yet: a return opens after delivery (and "
        "until it ships you can cancel it).",
    },
    "return_window_over": {
        "fr": "La commande {order} a été livrée le {delivered} : le délai de retour de "
        "{days} jours est dépassé, je ne peux pas ouvrir de retour.",
        "en": "Order {order} was delivered on {delivered}: the {days}-day return window is "
        "over, so I cannot open a return.",
    },
    "ask_item": {
        "fr": "Quel article souhaitez-vous retourner ? {items}",
        "en": "Which item would you like to return? {items}",
    },
    "return_not_returnable": {
        "fr": "« {item} » fait partie des produits qui ne peuvent pas être retournés "
        "(hygiène ou denrées). S'il est arrivé abîmé ou si ce n'est pas le bon article, dites-le "
        "moi et je transmets à un conseiller.",
        "en": "\u201c{item}\u201d is among the products that cannot be returned (hygiene or "
        "food). If it arrived damaged or is the wrong item, tell me and I will pass it to a "
        "colleague.",
    },
    "return_already": {
        "fr": "Un retour est déjà ouvert pour « {item} » (étiquette {label}).",
        "en": "A return is already open for \u201c{item}\u201d (label {label}).",
    },
    "return_confirm": {
        "fr": "J'ouvre un retour pour « {item} » de la commande {order}. Confirmez-vous ? "
        "(oui / non)",
        "en": "I will open a return for \u201c{item}\u201d from order {order}. Do you confirm? "
        "(yes / no)",
    },
    "return_done": {
        "fr": "Votre retour est ouvert : étiquette {label}, envoyée à votre adresse e-mail. "
        "Renvoyez l'article inutilisé dans son emballage d'origine ; le remboursement arrive "
        "sous 14 jours après réception.",
        "en": "Your return is open: label {label}, sent to your email address. Send the item "
        "back unused in its original packaging; the refund follows within 14 days of receipt.",
    },
    "invoice_done": {
        "fr": "C'est fait : la facture de la commande {order} vient de partir vers l'adresse "
        "e-mail de la commande.",
        "en": "Done: the invoice for order {order} has just been sent to the order's email "
        "address.",
    },
    "nothing_changed": {
        "fr": "Très bien, je ne change rien.",
        "en": "All right, I will not change anything.",
    },
    "ask_confirm_again": {
        "fr": "Pouvez-vous répondre par oui ou par non ?",
        "en": "Could you answer yes or no?",
    },
    "ask_product": {
        "fr": "De quel produit parlez-vous ?",
        "en": "Which product do you mean?",
    },
    "product_in_stock": {
        "fr": "{title} : {price}, en stock.{details}",
        "en": "{title}: {price}, in stock.{details}",
    },
    "product_out_of_stock": {
        "fr": "{title} : {price}, mais il est en rupture de stock pour le moment.{details}",
        "en": "{title}: {price}, but it is out of stock at the moment.{details}",
    },
    "product_unknown": {
        "fr": "Je ne trouve pas ce produit dans notre catalogue.",
        "en": "I cannot find that product in our catalogue.",
    },
    "faq_answer": {
        "fr": "{answer}\n(Source : {source} › {heading})",
        "en": "{answer}\n(Source: {source} › {heading})",
    },
    "handoff": {
        "fr": "Je transmets votre demande à un conseiller, qui vous répondra ici (du lundi au "
        "vendredi, 9 h - 18 h).",
        "en": "I am passing your request to a colleague, who will answer here (Monday to "
        "Friday, 9:00-18:00).",
    },
    "handoff_abusive": {
        "fr": "Je transmets cette conversation à un responsable.",
        "en": "I am passing this conversation to a manager.",
    },
    "out_of_scope": {
        "fr": "Je ne peux répondre qu'aux questions sur la boutique : commandes, livraisons, "
        "retours, produits et conditions de vente.",
        "en": "I can only help with questions about the shop: orders, deliveries, returns, "
        "products and terms of sale.",
    },
    "not_understood": {
        "fr": "Je n'ai pas bien compris. {question}",
        "en": "I did not quite understand. {question}",
    },
    "empty": {
        "fr": "Votre message est vide : que puis-je faire pour vous ?",
        "en": "Your message is empty: how can I help?",
    },
    "too_long": {
        "fr": "Votre message est trop long pour moi ({chars} caractères). Pouvez-vous résumer "
        "votre demande en quelques phrases ?",
        "en": "Your message is too long for me ({chars} characters). Could you sum up your "
        "request in a few sentences?",
    },
    "unreadable": {
        "fr": "Je n'arrive pas à lire ce message. Pouvez-vous l'écrire en texte ?",
        "en": "I cannot read this message. Could you write it as text?",
    },
    "with_agent": {
        "fr": "Un conseiller a bien reçu votre message et vous répond ici.",
        "en": "A colleague has your message and will answer here.",
    },
}


def say(key: str, language: str, **values: Any) -> str:
    """The sentence ``key`` in ``language`` (English when missing), filled with ``values``.

    Examples
    --------
    >>> say("cancel_already", "fr", order="O0000012")
    'La commande O0000012 est déjà annulée.'
    """
    texts = TEXTS[key]
    return texts.get(language, texts["en"]).format(**values)
