"""The public's comments in the search box (ledger/search.py): kept as each act records them."""

from zhenggai.ledger import search

from .models import Comment


def document(comment) -> dict:
    """The entry of a comment (its words and the reply, not who sent it)."""
    notice = comment.notice
    return {
        "unit_id": notice.inspection.unit_id,
        "title": notice.title,
        "body": "\n".join(filter(None, [comment.content, comment.reply])),
        "url": search.url_for("disclosure:notice-comments", notice.pk, f"#comment-{comment.pk}"),
        "inspection_id": notice.inspection_id,
    }


def index_event(sender, event, obj, **kwargs) -> None:
    if isinstance(obj, Comment):
        search.put("comment", obj.pk, **document(obj))


def fill(apps) -> None:
    """Entries for the comments already received (a migration's `apps`)."""
    comments = apps.get_model("disclosure", "Comment").objects.select_related("notice__inspection")
    comments = comments.filter(notice__inspection__voided_at=None).order_by("id")
    search.insert([search.entry_row("comment", c.pk, document(c)) for c in comments])
