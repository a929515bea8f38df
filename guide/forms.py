"""GET forms that validate the filters of the list pages and the search.

A form is always bound to the query string: no parameters is a valid form with no
filter. Anything else that is not understood makes the form invalid, and the view
answers 400 with the form's messages.
"""

import re
import unicodedata
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.http import QueryDict
from django.urls import reverse

from guide.models import Provider, RoadmapStage, SalaryBand, Skill, SkillCategory, StageNote

MAX_QUERY_LENGTH = 100


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in value)


def without_control_characters(value: str) -> str:
    return "".join(char for char in value if unicodedata.category(char) != "Cc")


class NoColon:
    """Labels without Django's trailing colon, like every other form of the site."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SearchText(forms.CharField):
    """Free text to look for: short, one line, printable."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Search")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        too_long = f"Use at most {MAX_QUERY_LENGTH} characters (you used %(show_value)d)."
        kwargs.setdefault("error_messages", {"max_length": too_long})
        super().__init__(**kwargs)
        self.widget.input_type = "search"


class RowChoices(ModelChoiceIterator):
    """The options of a `ContentChoice`, from the rows it read once."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.field.rows.values():
            yield self.choice(row)

    def __len__(self):
        return len(self.field.rows) + (self.field.empty_label is not None)


class ContentChoice(forms.ModelChoiceField):
    """A choice among the content rows the visitor may see, by slug (or another key);
    an unknown value names what was not found. The form sets the rows (`VisibleChoices`).

    A value shaped like a key that names no row the visitor may see (a link shared before
    the row was unpublished or deleted) is "gone": its message says it is not in the guide
    now, without telling a draft from a row that never was.

    The rows are read once (one query), for both the options and the check of a value.
    """

    iterator = RowChoices

    def __init__(self, model, *, noun: str, to_field_name: str = "slug", gone: str = "", **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": f"There is no {noun} “%(value)s”. Choose one from the list.",
                "gone": gone or f"There is no {noun} “%(value)s” in the guide now.",
            },
        )
        super().__init__(queryset=model.objects.none(), to_field_name=to_field_name, **kwargs)
        self.model = model
        self.key_pattern = r"[0-9]{1,5}" if to_field_name == "number" else r"[-a-z0-9_]{1,100}"

    @cached_property
    def rows(self) -> dict:
        """The rows to choose from, by key (read when first asked, after the form has set
        the queryset)."""
        return {str(getattr(row, self.to_field_name)): row for row in self.queryset}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        row = self.rows.get(str(value))
        if row is None:
            code = "gone" if re.fullmatch(self.key_pattern, str(value)) else "invalid_choice"
            raise ValidationError(self.error_messages[code], code=code, params={"value": value})
        return row


class VisibleChoices:
    """Fill each `ContentChoice` with the rows this visitor may see (`drafts`: an editor)."""

    def __init__(self, *args, drafts: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, ContentChoice):
                field.queryset = field.model.objects.visible(drafts)


class FilterForm(NoColon, VisibleChoices, forms.Form):
    """A bound GET form with the shared rules of every filter."""

    url_name: str  # the page the form filters

    def enhance_fields(self) -> None:
        """Let each field ask htmx for fresh results as it changes (text after a pause).

        The requests come from the fields, not the form, so that a select's change and a
        text field's typing each make exactly one request. While choosing, each replaces
        the address (it stays shareable and reloadable) instead of adding a history entry:
        only submitting the form pushes one, so Back leaves the page in one press.
        """
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs.update(
                {
                    "data-hx-get": self.url,
                    "data-hx-include": "closest form",
                    "data-hx-trigger": (
                        "change" if is_select else "input changed delay:400ms, search"
                    ),
                    # The form pushes a history entry (on submit); its fields only replace.
                    "data-hx-push-url": "false",
                    "data-hx-replace-url": "true",
                }
            )

    def __init__(self, data: QueryDict, *, drafts: bool):
        # Control characters (NUL included) are refused, and never echoed back in the page.
        self.with_control = {
            name for name, values in data.lists() if any(map(has_control_characters, values))
        }
        printable = QueryDict(mutable=True)
        for name, values in data.lists():
            printable.setlist(name, [without_control_characters(value) for value in values])
        super().__init__(printable, drafts=drafts)
        self.repeated = [name for name in self.fields if len(data.getlist(name)) > 1]
        self.url = reverse(self.url_name)
        self.enhance_fields()

    def clean(self):
        cleaned = super().clean()
        for name in self.repeated:
            self.add_error(name, "Give this filter only once.")
        for name in self.with_control & set(self.fields):
            self.add_error(name, "Remove the control characters from this value.")
        return cleaned

    def only_gone(self) -> bool:
        """Whether every problem is a value that is not in the guide now (a shared link)."""
        problems = [error for errors in self.errors.as_data().values() for error in errors]
        return bool(problems) and all(error.code == "gone" for error in problems)

    def problems(self) -> list[dict]:
        """Each field's messages with the address that drops that field, keeping the rest."""
        found = []
        for field in self:
            if not field.errors:
                continue
            others = [
                (name, value)
                for name, values in self.data.lists()
                if name != field.name and name in self.fields
                for value in values
                if value
            ]
            found.append(
                {
                    "field": field,
                    "errors": field.errors,
                    "remove_query": f"?{urlencode(others)}" if others else "",
                }
            )
        return found

    def filters(self) -> dict:
        """The valid, non-empty filters (content rows for the choices)."""
        if not self.is_valid():
            return {}
        return {
            name: value for name, value in self.cleaned_data.items() if value not in ("", None)
        }

    def active_filters(self) -> list[dict]:
        """Each active filter with a readable value and the address that removes it."""
        filters = self.filters()
        query = {name: self.fields[name].prepare_value(value) for name, value in filters.items()}
        active = []
        for name, value in filters.items():
            others = {key: val for key, val in query.items() if key != name}
            active.append(
                {
                    "name": self[name].label,
                    "value": str(value),
                    "remove_query": f"?{urlencode(others)}" if others else "?",
                }
            )
        return active


class SkillFilterForm(FilterForm):
    url_name = "guide:skills"
    category = ContentChoice(SkillCategory, noun="skill category", empty_label="All categories")
    stage = ContentChoice(
        RoadmapStage,
        noun="roadmap stage",
        gone="Stage %(value)s is not in the guide now.",
        to_field_name="number",
        empty_label="Any stage",
        label="Taught in stage",
    )
    q = SearchText(label="Name or description")


class CertificationFilterForm(FilterForm):
    url_name = "guide:certifications"
    provider = ContentChoice(Provider, noun="provider", empty_label="All providers")
    q = SearchText(label="Name or description")


class ProjectFilterForm(FilterForm):
    url_name = "guide:projects"
    area = ContentChoice(
        SkillCategory, noun="skill area", empty_label="Any skill area", label="Skill area"
    )
    skill = ContentChoice(Skill, noun="skill", empty_label="Any skill")


class SalaryFilterForm(FilterForm):
    url_name = "guide:salaries"
    level = ContentChoice(
        SalaryBand, noun="experience level", empty_label="All levels", label="Experience level"
    )


class CareerFilterForm(FilterForm):
    url_name = "guide:career"
    years = forms.IntegerField(
        label="Years of experience",
        required=False,
        min_value=0,
        max_value=60,
        error_messages={
            "invalid": "Give the years of experience as a whole number, e.g. 3.",
            "min_value": "Years of experience cannot be negative.",
            "max_value": "Give at most 60 years of experience.",
        },
    )


class SearchForm(FilterForm):
    url_name = "guide:search"
    q = SearchText(label="Search the guide")

    def active_filters(self) -> list[dict]:
        return []  # the query stays in the search box


class TickForm(forms.Form):
    """The state a learner asks for: done ("1") or not done ("0"), never a toggle."""

    done = forms.TypedChoiceField(
        choices=[("1", "Done"), ("0", "Not done")], coerce=lambda value: value == "1"
    )
    next = forms.CharField(required=False, max_length=2000)


class TextareaText(forms.CharField):
    """Text from a textarea, with its line breaks as the textarea counts them.

    Browsers send each line break as CRLF but count it, against `maxlength`, as one
    character: the text is kept with "\n" alone, and its length measured so.
    """

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return super().to_python(value)


class NoteForm(NoColon, forms.Form):
    text = TextareaText(
        label="Your note",
        required=False,
        max_length=StageNote.MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "Keep the note to %(limit_value)d characters (it has %(show_value)d)."
        },
    )


class ShareForm(NoColon, forms.Form):
    """The public progress link: on ("1") or off ("0"); `renew` makes a new address."""

    enabled = forms.TypedChoiceField(
        choices=[("1", "On"), ("0", "Off")], coerce=lambda value: value == "1"
    )
    renew = forms.BooleanField(required=False)
    display_name = forms.CharField(
        label="Name shown on your public page",
        required=False,
        max_length=80,
        help_text="Optional. Without one, the page says “A learner”.",
    )

    def clean_display_name(self):
        name = self.cleaned_data["display_name"]
        if has_control_characters(name):
            raise forms.ValidationError("Use letters, digits and punctuation only.")
        return name


class ResetForm(VisibleChoices, forms.Form):
    """One stage (by slug) or, without one, the whole roadmap."""

    stage = ContentChoice(RoadmapStage, noun="roadmap stage")


class LoginForm(NoColon, AuthenticationForm):
    pass


def password_confirmed(request, user, password: str) -> bool:
    """Whether `password` is `user`'s, checked like a login: django-axes counts a wrong
    one against the login's limits and, once they are reached, refuses even the right one
    (its middleware then answers with the lockout page)."""
    return authenticate(request, username=user.get_username(), password=password) == user


class PasswordChangeForm(NoColon, auth_forms.PasswordChangeForm):
    def __init__(self, user, *args, request, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not password_confirmed(self.request, self.user, old_password):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PasswordResetForm(NoColon, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(NoColon, auth_forms.SetPasswordForm):
    pass


class SignUpForm(NoColon, UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional: only used to reset your password if you forget it.",
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    EMAIL_TAKEN = (
        "An account already uses this email address. Log in to it, or reset its password "
        "if you forgot it."
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(self.EMAIL_TAKEN, code="email_taken")
        return email


class DeleteAccountForm(NoColon, forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, request, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not password_confirmed(self.request, self.user, password):
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password
