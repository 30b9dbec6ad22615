"""Forms of the brief's pages. They only shape input; the services validate and write (and say why)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class NextStepsForm(forms.Form):
    next_steps = forms.CharField(label=_("下步工作"), required=False, widget=forms.Textarea(attrs={"rows": 8}))


class TemplateUploadForm(forms.Form):
    """A replacement Word template; its name defaults to the file's. An empty or missing file is the
    service's to refuse, with its own message."""

    file = forms.FileField(label=_("上传新模板（.docx）"), required=False, allow_empty_file=True)
    name = forms.CharField(label=_("模板名称"), required=False)

    def name_and_content(self) -> tuple[str, bytes]:
        upload = self.cleaned_data.get("file") if self.is_valid() else None
        name = (self.cleaned_data.get("name") if self.is_valid() else "") or (upload.name if upload else "")
        return name, upload.read() if upload else b""
