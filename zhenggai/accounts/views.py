"""Account pages: change one's own password; the office's list of locked accounts."""

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy

from . import policy, services
from .access import UNLOCK, require
from .forms import OwnPasswordForm


class PasswordChange(auth_views.PasswordChangeView):
    """Django's page (sensitive fields, CSRF, never cached) with the act audited."""

    form_class = OwnPasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("ledger:home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, due=policy.due_text(self.request))

    def form_valid(self, form):
        services.change_password(form, actor=self.request.user)
        policy.password_set(self.request)
        # Keeps this session logged in; the user's other sessions end.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, "密码已修改，下次登录请使用新密码。")
        return HttpResponseRedirect(self.get_success_url())


@login_required
def lock_list(request):
    require(request, UNLOCK)
    if request.method == "POST":
        user = get_object_or_404(get_user_model(), username=request.POST.get("username", ""))
        if services.unlock_account(user, actor=request.user):
            messages.success(
                request, f"已解除账号“{user.username}”的登录锁定，该用户现在可以登录。"
            )
        else:
            messages.warning(request, f"账号“{user.username}”当前没有被锁定。")
        return redirect("accounts:lock-list")
    return render(request, "accounts/locks.html", {"locked": services.locked_accounts()})
