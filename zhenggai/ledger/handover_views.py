"""Pages of the handover (交接): choose a person, see their open duties, move them."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from zhenggai.accounts.access import EDIT, OFFICE, access_for, units_for
from zhenggai.forms import CleanForm
from zhenggai.views import query_id

from .handover import hand_over, may_hand_over, open_duties, person_name
from .models import Handover, HandoverItem
from .services import LedgerError


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        name = person_name(user) or user.username
        return f"{name}（{user.username}）" + ("" if user.is_active else "，已停用")


class HandoverForm(CleanForm):
    to_user = PersonChoice(queryset=None, label="接手人")
    reason = forms.CharField(label="交接原因", max_length=500, help_text="如：岗位调整、退休")
    measures = forms.TypedMultipleChoiceField(
        coerce=int, label="交接的整改措施", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people, duties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = people.filter(is_active=True)
        self.fields["measures"].choices = [
            (d.measure.pk, f"【{d.labels}】{d.measure.text[:60]}") for d in duties
        ]


def _people(actor):
    """Whose duties the actor may hand over: anyone for the office, else people of the
    units the actor keeps (editor)."""
    users = get_user_model().objects.order_by("username")
    if access_for(actor).anywhere(OFFICE):
        return users
    return users.filter(memberships__unit__in=units_for(actor, EDIT)).distinct()


@login_required
def handover_add(request):
    """A person's open duties (`?from=<user id>`) and the form that hands them over."""
    access = access_for(request.user)
    if not (access.anywhere(OFFICE) or access.anywhere(EDIT)):
        raise PermissionDenied
    people = _people(request.user)
    params = request.POST if request.POST.get("from") else request.GET
    chosen = query_id(params, "from")  # ² passes isdigit(), not int()
    if params.get("from") and chosen is None:
        raise Http404
    from_user = get_object_or_404(people, pk=chosen) if chosen is not None else None
    duties, elsewhere = [], 0
    if from_user is not None:
        every = open_duties(from_user)
        duties = [d for d in every if may_hand_over(request.user, [_unit(d)])]
        elsewhere = len(every) - len(duties)
    form = HandoverForm(
        request.POST or None,
        people=people.exclude(pk=from_user.pk) if from_user else people,
        duties=duties,
        initial={"measures": [d.measure.pk for d in duties]},
    )
    if request.method == "POST" and from_user is not None and form.is_valid():
        data = form.cleaned_data
        try:
            handover = hand_over(
                from_user,
                data["to_user"],
                actor=request.user,
                reason=data["reason"],
                measures=data["measures"],
            )
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            moved = len(data["measures"])
            messages.success(request, f"已将 {moved} 项整改措施交接给{handover.to_name}。")
            return redirect("ledger:handover-detail", handover.pk)
    return render(
        request,
        "ledger/handover_form.html",
        {
            "form": form,
            "people": people,
            "from_user": from_user,
            "duties": duties,
            "elsewhere": elsewhere,
        },
    )


def _unit(duty):
    return duty.measure.problem.inspection.unit


@login_required
def handover_list(request):
    handovers = Handover.objects.for_user(request.user).select_related("actor")
    return render(request, "ledger/handover_list.html", {"handovers": handovers[:500]})


@login_required
def handover_detail(request, pk):
    """A handover, with the measures of it the user may read."""
    handover = get_object_or_404(
        Handover.objects.for_user(request.user).select_related("actor"), pk=pk
    )
    items = (
        HandoverItem.objects.for_user(request.user)
        .filter(handover=handover)
        .select_related("measure__problem__inspection__unit")
    )
    return render(request, "ledger/handover_detail.html", {"handover": handover, "items": items})
