import re

from django import forms

from zhenggai.forms import CleanForm
from zhenggai.notices.letterhead import parse_doc_number

from .models import Comment, PublishedNotice

_PHONE = re.compile(r"[0-9+\-()（） ]{3,30}")


class DraftForm(CleanForm):
    audience = forms.ChoiceField(choices=PublishedNotice.Audience.choices, widget=forms.HiddenInput)
    text = forms.CharField(
        label="通报正文",
        max_length=500_000,
        widget=forms.Textarea(attrs={"rows": 30, "class": "notice-text"}),
        help_text="每段一行。提交签发后，领导签发的就是这一文本；发布后不可更改，更正须发布新版本。",
    )
    note = forms.CharField(
        label="更正说明",
        max_length=500,
        required=False,
        help_text="发布新版本时必填：说明更正了什么、为什么更正",
    )
    doc_number = forms.CharField(
        label="文号",
        max_length=50,
        required=False,
        help_text="可不填。发布后印在 Word 文件的版头下，不能再改。",
    )

    def clean_doc_number(self):
        typed = self.cleaned_data["doc_number"].strip()
        if not typed:
            return ""
        try:
            return parse_doc_number(typed)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class ReturnForm(CleanForm):
    reason = forms.CharField(label="退回理由", max_length=500)


class CommentForm(CleanForm):
    name = forms.CharField(label="姓名", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    content = forms.CharField(
        label="意见建议",
        max_length=Comment.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": Comment.MAX_LENGTH}),
        error_messages={
            "required": "请填写意见建议的内容。",
            "max_length": "意见建议最多 %(limit_value)d 字（现为 %(show_value)d 字）。",
        },
    )
    # The honeypot: hidden from people, filled in by robots that fill in everything.
    website = forms.CharField(label="网址（请勿填写）", required=False)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.fullmatch(phone):
            raise forms.ValidationError("联系电话只能包含数字、空格、+、- 和括号。")
        return phone

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError("提交未通过校验，请刷新页面后重新填写。")
        return ""


class ReplyForm(CleanForm):
    reply = forms.CharField(
        label="答复", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reply_public = forms.BooleanField(label="在通报页面公开此答复", required=False)
