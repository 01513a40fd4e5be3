"""The user's own API tokens: create (shown once), list, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import tokens
from .forms import TokenForm
from .models import ApiToken


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, created = tokens.create_token(actor=request.user, **form.cleaned_data)
        except tokens.TokenError as exc:
            form.add_error("expires_on", str(exc))
        else:
            # Shown once, in this answer only: never put in the session or a redirect.
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(user=request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    # Another user's token does not exist for this user.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        tokens.revoke_token(token, actor=request.user)
        messages.success(request, f"已撤销令牌“{token.name}”，使用它的系统将无法再访问。")
    except tokens.TokenError as exc:
        messages.error(request, str(exc))
    return redirect("tokens:token-list")
