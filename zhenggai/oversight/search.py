"""Supervision orders in the search box (ledger/search.py): kept as each act records them."""

from zhenggai.ledger import search

from .models import SupervisionOrder


def document(order) -> dict:
    """The entry of an order; fields only, so that a migration's model serves too."""
    number = f"〔{order.year}〕{order.number}号"
    return {
        "unit_id": order.unit_id,
        "title": f"{order.get_level_display()} {number}",
        "body": "\n".join(filter(None, [number, order.text, order.reply_text])),
        "url": search.url_for("oversight:order-detail", order.pk),
    }


def index_event(sender, event, obj, **kwargs) -> None:
    if isinstance(obj, SupervisionOrder):
        search.put("order", obj.pk, **document(obj))


def fill(apps) -> None:
    """Entries for the orders already issued (a migration's `apps`)."""
    orders = apps.get_model("oversight", "SupervisionOrder").objects.order_by("id")
    search.insert([search.entry_row("order", o.pk, document(o)) for o in orders])
