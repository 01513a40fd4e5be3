"""The search page: every kind the user may read, grouped, the match marked."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from zhenggai.accounts.access import EDIT, access_for
from zhenggai.forms import CleanForm

from . import search


class SearchForm(CleanForm):
    q = forms.CharField(
        label="查找",
        max_length=search.MAX_QUERY,
        error_messages={"max_length": f"检索词过长，请不超过{search.MAX_QUERY}个字。"},
    )
    kind = forms.ChoiceField(
        choices=[("", "全部")] + [(k, v.label) for k, v in search.KINDS.items()], required=False
    )
    page = forms.IntegerField(min_value=1, max_value=search.CAP, required=False)

    def clean_q(self):
        parts = search.parse_query(self.cleaned_data["q"])
        if not parts:
            raise forms.ValidationError("请输入要查找的字词（汉字、字母或数字）。")
        return self.cleaned_data["q"]


@login_required
def search_page(request):
    form = SearchForm(request.GET if "q" in request.GET else None)
    groups, parts = [], []
    if form.is_bound and form.is_valid():
        parts = search.parse_query(form.cleaned_data["q"])
        kind = form.cleaned_data["kind"] or None
        groups = search.search(request.user, parts, kind, form.cleaned_data["page"] or 1)
        access = access_for(request.user)
        for group in groups:
            for hit in group.hits:
                hit.can_edit = hit.kind == "measure" and access.may(EDIT, hit.unit)
    return render(
        request,
        "ledger/search.html",
        {
            "form": form,
            "groups": groups,
            "found": any(g.total for g in groups),
            "one_kind": form.is_bound and form.is_valid() and bool(form.cleaned_data["kind"]),
            "editable": any(h.can_edit for g in groups for h in g.hits),
            "cap": search.CAP,
            "pending": search.pending_for(request.user),
        },
    )
