"""The admin where editors keep the guide current.

Every content model has its history (who changed what, and when; restore an earlier
version), a published flag for drafts, and a preview of its Markdown after saving.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from guide.models import (
    CareerLevel,
    Certification,
    ChecklistItem,
    Completion,
    ContentList,
    ListItem,
    PortfolioProject,
    Provider,
    Resource,
    RoadmapStage,
    SalaryBand,
    SearchSynonym,
    Section,
    Skill,
    SkillCategory,
)
from guide.text import render_markdown

admin.site.site_header = "ML Engineer Career Path: editing"
admin.site.site_title = "Guide editing"
admin.site.index_title = "Keep the guide current"

MARKDOWN_NOTE = (
    "Text boxes take Markdown: **bold**, *italic*, [a link](https://example.org), a list "
    "with one “- item” per line, and a blank line between paragraphs. HTML that could run "
    "code is removed. After saving, the preview below shows the text as readers will see it. "
    "One-line fields are plain text, shown as typed. Untick “Published” to keep a row as a "
    "draft that only editors see."
)
PLAIN_TEXT_NOTE = "Plain text on one line: Markdown is not applied here."
REASON_LENGTH = 100  # simple-history's change reason column
DELETE_REASON = "Deleted in the admin"


def is_valid_key(field, value: str) -> bool:
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


class SafeSearch:
    """Search (the change list's and the autocomplete's) for a NUL character finds nothing:
    no text holds one, and PostgreSQL fails a query that compares with it."""

    def get_search_results(self, request, queryset, search_term):
        if "\x00" in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


def edit_reason(form, *, change: bool) -> str:
    """Why a row's history record was made, from the admin form that saved it."""
    if not change:
        return "Added in the admin"
    changed = ", ".join(
        str(form.fields[name].label or name).lower()
        for name in form.changed_data
        if name in form.fields
    )
    return Truncator(f"Edited in the admin: {changed}" if changed else "Saved in the admin").chars(
        REASON_LENGTH
    )


def version_date(record) -> str:
    return date_format(timezone.localtime(record.history_date), "j F Y, H:i")


def is_plain_text(db_field) -> bool:
    """A one-line text field shown as typed (not a slug, address or choice)."""
    return type(db_field) is models.CharField and not db_field.choices


class TextFields:
    """Every text input says what it takes: Markdown (a text box, the model's
    `markdown_fields`) or plain text (a one-line input)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and is_plain_text(db_field):
            formfield.help_text = " ".join(filter(None, [formfield.help_text, PLAIN_TEXT_NOTE]))
        return formfield


class ContentAdmin(TextFields, SafeSearch, SimpleHistoryAdmin):
    """What every content model's admin shares."""

    list_filter: tuple = ("published",)
    save_on_top = True

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.preview_fields())

    def history_view(self, request, object_id, extra_context=None):
        if not is_valid_key(self.model._meta.pk, unquote(object_id)):
            raise Http404("No such row.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        versions = self.model.history.model._meta.pk
        if not (
            is_valid_key(self.model._meta.pk, unquote(object_id))
            and is_valid_key(versions, version_id)
        ):
            raise Http404("No such version.")
        if request.method == "POST":
            # A revert: save_model and response_change say which version came back.
            request.reverted_to = self.model.history.filter(
                id=unquote(object_id), history_id=version_id
            ).first()
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        record = getattr(request, "reverted_to", None)
        obj._change_reason = (
            f"Reverted to the version of {version_date(record)}"
            if record
            else edit_reason(form, change=change)
        )
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for row_form in formset.forms:
            if row_form in formset.deleted_forms:
                row_form.instance._change_reason = DELETE_REASON
            else:
                existing = row_form.instance.pk is not None
                row_form.instance._change_reason = edit_reason(row_form, change=existing)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        obj._change_reason = DELETE_REASON
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def response_change(self, request, obj):
        record = getattr(request, "reverted_to", None)
        if record is None:
            return super().response_change(request, obj)
        self.message_user(request, f"Reverted “{obj}” to the version of {version_date(record)}.")
        opts = obj._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    @property
    def markdown_fields(self) -> tuple[str, ...]:
        return self.model.markdown_fields

    def preview_fields(self) -> tuple[str, ...]:
        return ("preview",) if self.markdown_fields else ()

    @admin.display(description="Preview (after saving)")
    def preview(self, obj):
        texts = [getattr(obj, name) for name in self.markdown_fields] if obj else []
        if not any(texts):
            return "Nothing to preview yet."
        return format_html_join(
            "",
            '<div class="markdown-preview">{}</div>',
            ((render_markdown(t),) for t in texts if t),
        )

    def get_fieldsets(self, request, obj=None):
        fields = [
            name for name in self.get_fields(request, obj) if name not in self.preview_fields()
        ]
        fieldsets = [(None, {"fields": fields, "description": MARKDOWN_NOTE})]
        if self.markdown_fields:
            fieldsets.append(("Preview", {"fields": self.preview_fields()}))
        return fieldsets

    # The lookup from a learner's tick to the rows this admin deletes, where ticks
    # protect them (checklist items and their stages).
    ticks_lookup: str | None = None

    def get_deleted_objects(self, objs, request):
        """Never list learners' ticks (they are private): count them and say why instead."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        ticks = (
            Completion.objects.filter(**{self.ticks_lookup: objs}) if self.ticks_lookup else None
        )
        if ticks is not None and (count := ticks.count()):
            # Ticks are the only rows that protect items and stages: the deletion is refused,
            # and for that reason, not for a permission on ticks.
            perms_needed.discard(Completion._meta.verbose_name)
            protected = [
                f"{count} learner tick{'s' if count != 1 else ''}: learners have "
                "ticked this on their roadmap. Untick “Published” to hide it instead."
            ]
        return deleted, model_count, perms_needed, protected


class ContentListInline(TextFields, admin.StackedInline):
    model = ContentList
    extra = 0
    fields = ("heading", "slug", "position", "intro", "style", "outro", "published")
    prepopulated_fields = {"slug": ("heading",)}
    show_change_link = True


@admin.register(Section)
class SectionAdmin(ContentAdmin):
    list_display = ("title", "position", "feature", "published")
    list_editable = ("position", "published")
    list_filter = ("published", "feature")
    search_fields = ("title", "body", "closing")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ContentListInline]


class ListItemInline(TextFields, admin.TabularInline):
    model = ListItem
    extra = 1
    fields = ("text", "slug", "position", "description", "published")
    prepopulated_fields = {"slug": ("text",)}


@admin.register(ContentList)
class ContentListAdmin(ContentAdmin):
    list_display = ("__str__", "section", "position", "style", "published")
    list_editable = ("position", "published")
    list_filter = ("published", "section")
    list_select_related = ("section",)
    search_fields = ("heading", "intro", "outro", "items__text")
    prepopulated_fields = {"slug": ("heading",)}
    inlines = [ListItemInline]


@admin.register(ListItem)
class ListItemAdmin(ContentAdmin):
    list_display = ("text", "content_list", "position", "published")
    list_editable = ("position", "published")
    list_filter = ("published", "content_list__section")
    list_select_related = ("content_list",)
    search_fields = ("text", "description")
    prepopulated_fields = {"slug": ("text",)}


class SkillInline(TextFields, admin.TabularInline):
    model = Skill
    extra = 1
    fields = ("name", "slug", "position", "group", "description", "published")
    prepopulated_fields = {"slug": ("name",)}
    show_change_link = True


@admin.register(SkillCategory)
class SkillCategoryAdmin(ContentAdmin):
    list_display = ("name", "position", "skill_count", "published")
    list_editable = ("position", "published")
    search_fields = ("name", "intro", "outro")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SkillInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(skills_total=Count("skills"))

    @admin.display(description="skills", ordering="skills_total")
    def skill_count(self, obj):
        return obj.skills_total


@admin.register(Skill)
class SkillAdmin(ContentAdmin):
    list_display = ("name", "category", "position", "published")
    list_editable = ("position", "published")
    list_filter = ("published", "category", "stages")
    list_select_related = ("category",)
    search_fields = ("name", "description", "group")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("stages",)


class ChecklistItemInline(TextFields, admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ("title", "slug", "position", "description", "project", "published")
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True


@admin.register(RoadmapStage)
class RoadmapStageAdmin(ContentAdmin):
    list_display = ("number", "title", "item_count", "published")
    list_display_links = ("title",)
    list_editable = ("published",)
    search_fields = ("title", "intro", "outro", "items__title")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ChecklistItemInline]
    ticks_lookup = "item__stage__in"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(items_total=Count("items"))

    @admin.display(description="checklist items", ordering="items_total")
    def item_count(self, obj):
        return obj.items_total


class ResourceInline(TextFields, admin.TabularInline):
    model = Resource
    extra = 1
    fields = ("title", "slug", "position", "kind", "url", "published")
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True
    verbose_name = "resource to learn it from"
    verbose_name_plural = "resources to learn it from"


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ContentAdmin):
    list_display = ("title", "stage", "position", "ticked_by", "published")
    list_editable = ("position", "published")
    list_filter = ("published", "stage")
    list_select_related = ("stage",)
    search_fields = ("title", "description", "resources__title")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ResourceInline]
    ticks_lookup = "item__in"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ticks=Count("completions"))

    @admin.display(description="learners who ticked it", ordering="ticks")
    def ticked_by(self, obj):
        return obj.ticks


class ProjectSkillInline(TextFields, admin.TabularInline):
    model = PortfolioProject.skills.through
    extra = 1
    autocomplete_fields = ("skill",)
    verbose_name = "skill it demonstrates"
    verbose_name_plural = "skills it demonstrates"


@admin.register(PortfolioProject)
class PortfolioProjectAdmin(ContentAdmin):
    list_display = ("title", "skill_area", "position", "published")
    list_editable = ("position", "published")
    search_fields = ("title", "skill_area", "description")
    prepopulated_fields = {"slug": ("title",)}
    exclude = ("skills",)
    inlines = [ProjectSkillInline]


@admin.register(Resource)
class ResourceAdmin(ContentAdmin):
    list_display = ("title", "kind", "item", "position", "published")
    list_editable = ("position", "published")
    list_filter = ("published", "kind", "item__stage")
    list_select_related = ("item",)
    search_fields = ("title", "url", "item__title")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("item",)


@admin.register(CareerLevel)
class CareerLevelAdmin(ContentAdmin):
    list_display = ("title", "min_years", "max_years", "position", "published")
    list_editable = ("position", "published")
    search_fields = ("title", "description")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(SalaryBand)
class SalaryBandAdmin(ContentAdmin):
    list_display = ("level", "min_usd", "max_usd", "max_is_open", "position", "published")
    list_editable = ("position", "published")
    search_fields = ("level",)
    prepopulated_fields = {"slug": ("level",)}


@admin.register(Provider)
class ProviderAdmin(ContentAdmin):
    list_display = ("name", "url", "published")
    list_editable = ("published",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Certification)
class CertificationAdmin(ContentAdmin):
    list_display = ("name", "provider", "url", "position", "published")
    list_editable = ("position", "published")
    list_filter = ("published", "provider")
    list_select_related = ("provider",)
    search_fields = ("name", "description", "provider__name")
    prepopulated_fields = {"slug": ("name",)}


# Search synonyms (issue 12, item 10): a small list editors keep, with its history.
@admin.register(SearchSynonym)
class SearchSynonymAdmin(SafeSearch, SimpleHistoryAdmin):
    list_display = ("term", "meanings")
    search_fields = ("term", "meanings")
    fields = ("term", "meanings")


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    """Learners' ticks: visible to superusers only, and read-only (editors get 403)."""

    list_display = ("item", "completed_at")
    list_select_related = ("item",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AccountChangeForm(auth_admin.UserChangeForm):
    def clean_email(self):
        email = self.cleaned_data["email"]
        accounts = get_user_model().objects.exclude(pk=self.instance.pk)
        if email and accounts.filter(email__iexact=email).exists():
            raise ValidationError("Another account already uses this email address.")
        return email


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(SafeSearch, auth_admin.UserAdmin):
    """Django's user admin, with email addresses unique like at sign-up."""

    form = AccountChangeForm
