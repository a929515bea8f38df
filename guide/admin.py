"""The admin where editors keep the guide current.

Every content model has its history (who changed what, and when; restore an earlier
version), a published flag for drafts, and a preview of its Markdown after saving.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from guide.markdown import render_markdown
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
    Section,
    Skill,
    SkillCategory,
)

admin.site.site_header = "ML Engineer Career Path: editing"
admin.site.site_title = "Guide editing"
admin.site.index_title = "Keep the guide current"

MARKDOWN_NOTE = (
    "Text boxes marked “in Markdown” accept simple formatting: **bold**, *italic*, "
    "[a link](https://example.org), a list with one “- item” per line, and a blank line "
    "between paragraphs. HTML that could run code is removed. After saving, the preview "
    "below shows the text as readers will see it. Untick “Published” to keep a row as a "
    "draft that only editors see."
)


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


class ContentAdmin(SafeSearch, SimpleHistoryAdmin):
    """What every content model's admin shares."""

    markdown_fields: tuple[str, ...] = ()
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
        return super().history_form_view(request, object_id, version_id, extra_context)

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


class ContentListInline(admin.StackedInline):
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
    markdown_fields = ("body", "closing")
    inlines = [ContentListInline]


class ListItemInline(admin.TabularInline):
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
    markdown_fields = ("intro", "outro")
    inlines = [ListItemInline]


@admin.register(ListItem)
class ListItemAdmin(ContentAdmin):
    list_display = ("text", "content_list", "position", "published")
    list_editable = ("position", "published")
    list_filter = ("published", "content_list__section")
    list_select_related = ("content_list",)
    search_fields = ("text", "description")
    prepopulated_fields = {"slug": ("text",)}


class SkillInline(admin.TabularInline):
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
    markdown_fields = ("intro", "outro")
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


class ChecklistItemInline(admin.TabularInline):
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
    markdown_fields = ("intro", "outro")
    inlines = [ChecklistItemInline]
    ticks_lookup = "item__stage__in"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(items_total=Count("items"))

    @admin.display(description="checklist items", ordering="items_total")
    def item_count(self, obj):
        return obj.items_total


class ResourceInline(admin.TabularInline):
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


class ProjectSkillInline(admin.TabularInline):
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
    markdown_fields = ("description",)
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
    markdown_fields = ("description",)


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
    markdown_fields = ("description",)


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
