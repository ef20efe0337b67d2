from django import forms


class PageForm(forms.Form):
    """The `page` query parameter of a paginated list (an opaque token)."""

    page = forms.CharField(required=False, max_length=2048)
