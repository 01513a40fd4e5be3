from django import forms

from zhenggai.forms import CleanForm


class TokenForm(CleanForm):
    name = forms.CharField(
        label="名称", max_length=100, help_text="用于区分令牌，如“督查督办平台”“大屏”"
    )
    expires_on = forms.DateField(
        label="有效期至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="留空则长期有效，直至撤销",
    )
    read_only = forms.BooleanField(
        label="只读", required=False, help_text="只读令牌只能查询，不能报送、申请或修改"
    )
