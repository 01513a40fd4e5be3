"""The home page (待办) and the in-app messages (站内消息)."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..models import Message
from ..todo import sections

MESSAGE_PAGE = 200


@login_required
def todo(request):
    """What waits for the user, by the roles they hold; each row links where it is done."""
    shown = sections(request.user, timezone.localdate())
    return render(request, "oversight/todo.html", {"sections": shown})


@login_required
def message_list(request):
    inbox = Message.objects.filter(recipient=request.user).select_related("unit")
    return render(request, "oversight/messages.html", {"messages_": inbox[:MESSAGE_PAGE]})


@login_required
@require_POST
def message_open(request, pk):
    """Mark the message read and go where it asks the user to act."""
    message = get_object_or_404(Message, pk=pk, recipient=request.user)
    if message.read_at is None:
        Message.objects.filter(pk=message.pk).update(read_at=timezone.now())
    safe = url_has_allowed_host_and_scheme(message.url, allowed_hosts=None)
    return redirect(message.url if safe else "oversight:message-list")


@login_required
@require_POST
def message_read_all(request):
    done = Message.objects.filter(recipient=request.user, read_at=None).update(
        read_at=timezone.now()
    )
    flash.success(request, f"已将 {done} 条消息标为已读。")
    return redirect("oversight:message-list")
