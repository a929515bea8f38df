"""The roadmap with each learner's ticks, the ticking itself, and the progress dashboard.

Every page here shows one learner's progress: they are never cached (`no-store`), so the
back button never shows stale ticks. Learners reach only their own progress: nothing
here takes a user id.
"""

import csv
import json
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from guide import history
from guide import progress as rules
from guide.forms import NoteForm, ResetForm, ShareForm, TickForm
from guide.models import ChecklistItem, ProgressShare, RoadmapStage, Section, Skill
from guide.platform.csrf import origin_checked_first_post
from guide.platform.limits import limit_new_guest_sessions
from guide.platform.methods import require_http_methods, require_POST, require_safe
from guide.seo import Crumb, PageMeta, describe, listing, page_title
from guide.serving.pagecache import reader_page
from guide.text import plain_text
from guide.views.helpers import HtmxHttpRequest, bad_request, neighbours, section_for
from guide.visibility import is_editor


def safe_next(request: HtmxHttpRequest, url: str, fallback: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else fallback


@reader_page(shows=rules.ticks_state)  # the learner's ticks are all over it
def roadmap(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)
    progress = rules.learner_progress(request, drafts=drafts)
    stages = [entry.stage for entry in progress.stages]
    updated = history.last_changed(
        *history.list_page_sources(Section.Feature.ROADMAP, drafts=drafts)
    )
    context = {
        "section": section_for(Section.Feature.ROADMAP, drafts=drafts),
        "progress": progress,
        "next_item": progress.continue_at,
        "back_to": request.path,
        "page": PageMeta(
            request,
            title=page_title("Roadmap"),
            description=listing(
                f"The roadmap in {len(stages)} stages, to tick off as you learn",
                (f"{stage.number}. {stage.title}" for stage in stages),
            ),
            path=request.path,
            crumbs=[Crumb("Roadmap", request.path)],
            updated=updated,
            edits=RoadmapStage,
        ),
    }
    return render(request, "guide/roadmap.html", context)


@reader_page(shows=rules.ticks_state)
def stage(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    drafts = is_editor(request)
    progress = rules.learner_progress(request, drafts=drafts)
    stages = [entry.stage for entry in progress.stages]
    entry = next((entry for entry in progress.stages if entry.stage.slug == slug), None)
    if entry is None:
        raise Http404("No roadmap stage with that address.")
    previous, following = neighbours(stages, entry.stage)
    skills = list(Skill.objects.visible(drafts).filter(stages=entry.stage))
    updated = history.last_changed(*history.stage_sources(entry.stage, drafts=drafts))
    context = {
        "stage": entry.stage,
        "entry": entry,
        "progress": progress,
        "skills": skills,
        "back_to": request.path,
        "previous": previous,
        "next": following,
        "page": PageMeta(
            request,
            title=page_title(str(entry.stage)),
            description=stage_description(entry.stage),
            path=entry.stage.get_absolute_url(),
            crumbs=[
                Crumb("Roadmap", reverse("guide:roadmap")),
                Crumb(f"Stage {entry.stage.number}", entry.stage.get_absolute_url()),
            ],
            updated=updated,
            og_type="article",
            edits=entry.stage,
        ),
    }
    return render(request, "guide/stage.html", context)


def stage_description(stage: RoadmapStage) -> str:
    """The stage's introduction and what it asks of the learner (its items are loaded)."""
    lead = plain_text(stage.intro)
    items = "; ".join(item.title for item in stage.items.all())
    return describe(lead, f"Stage {stage.number} of the roadmap, {stage.title}: {items}.")


def after_tick(
    request: HtmxHttpRequest,
    form: TickForm,
    stage: RoadmapStage,
    anchor: str,
    what: str,
    *,
    drafts: bool,
):
    """Say what was saved in the page's status line (kept in view): htmx gets the stage's
    checklist, the overall bar and the line; a plain form goes back to the item, and the
    line comes as a message (a visitor with one is never served a cached page)."""
    progress = rules.learner_progress(request, drafts=drafts)
    entry = next(entry for entry in progress.stages if entry.stage.pk == stage.pk)
    state = "done" if form.cleaned_data["done"] else "not done"
    announcement = (
        f"{what} marked as {state}. Stage {stage.number}: "
        f"{entry.done_count} of {entry.total} done."
    )
    if request.htmx:
        context = {
            "entry": entry,
            "progress": progress,
            "back_to": form.cleaned_data["next"],
            "oob": True,
            "announcement": announcement,
        }
        return render(request, "includes/stage_checklist.html", context)
    messages.success(request, announcement, extra_tags="progress-status")
    target = safe_next(request, form.cleaned_data["next"], stage.get_absolute_url())
    return redirect(f"{target}#{anchor}")


def rejected(request: HtmxHttpRequest, form: TickForm) -> HttpResponse:
    problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
    response = bad_request(request, f"The change could not be made ({problems})")
    if request.htmx:
        response["HX-Reswap"] = "none"  # leave the page as it was
    return response


@origin_checked_first_post
@require_POST
@limit_new_guest_sessions
def tick_item(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    drafts = is_editor(request)
    items = ChecklistItem.objects.visible(drafts).select_related("stage")
    item = get_object_or_404(items, slug=slug)
    form = TickForm(request.POST)
    if not form.is_valid():
        return rejected(request, form)
    rules.set_item_done(
        owner=rules.learner(request, create=True), item=item, done=form.cleaned_data["done"]
    )
    return after_tick(request, form, item.stage, item.anchor, f"‘{item.title}’", drafts=drafts)


@origin_checked_first_post
@require_POST
@limit_new_guest_sessions
def tick_stage(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    drafts = is_editor(request)
    stage = get_object_or_404(RoadmapStage.objects.visible(drafts), slug=slug)
    form = TickForm(request.POST)
    if not form.is_valid():
        return rejected(request, form)
    done = form.cleaned_data["done"]
    rules.set_stage_done(
        owner=rules.learner(request, create=True), stage=stage, done=done, drafts=drafts
    )
    anchor, what = f"checklist-{stage.slug}", f"Stage {stage.number}"
    return after_tick(request, form, stage, anchor, what, drafts=drafts)


@never_cache
@require_safe
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "guide/dashboard.html", dashboard_context(request))


def dashboard_context(request: HtmxHttpRequest) -> dict:
    drafts = is_editor(request)
    notes = {note.stage_id: note.text for note in rules.notes_of(user=request.user, drafts=drafts)}
    progress = rules.learner_progress(request, drafts=drafts, notes=notes)
    share = rules.share_of(user=request.user).first()
    return {
        "progress": progress,
        "note_max_length": NoteForm.base_fields["text"].max_length,
        "share": share,
        "share_url": request.build_absolute_uri(share.get_absolute_url()) if share else None,
    }


@login_required
@require_POST
def share_progress(request: HtmxHttpRequest) -> HttpResponse:
    """Turn the learner's public progress link on, off, or onto a new address."""
    form = ShareForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(" ".join(errors) for errors in form.errors.values())
        return bad_request(request, f"The link could not be changed ({problems})")
    share = rules.share_progress(user=request.user, **form.cleaned_data)
    if share is None:
        messages.success(request, "Your public progress link is off: it no longer works.")
    elif form.cleaned_data["renew"]:
        messages.success(request, "Your public progress link is new: the old one stops working.")
    else:
        messages.success(request, "Your public progress link is on.")
    return redirect(f"{reverse('guide:progress')}#share")


@never_cache
@require_safe
def shared_progress(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """A learner's progress, as they chose to share it: published stages only, and never
    their notes, email or username. Never cached: a new tick shows at once, and a link
    turned off or replaced answers 404 on the next request."""
    share = get_object_or_404(ProgressShare, token=token)
    stages = list(RoadmapStage.objects.published().with_items(drafts=False))
    context = {
        "learner_name": share.display_name or "A learner",
        "progress": rules.roadmap_progress(owner={"user_id": share.user_id}, stages=stages),
    }
    response = render(request, "guide/shared_progress.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@login_required
@require_POST
def save_note(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Keep the note; its confirmation, or the reason it was refused, shows next to it.

    htmx gets the note's form back (and its status line); a plain form goes back to the
    note, or, refused, gets the dashboard again with the text as typed (status 400).
    """
    stage = get_object_or_404(RoadmapStage.objects.visible(is_editor(request)), slug=slug)
    form = NoteForm(request.POST)
    if form.is_valid():
        rules.save_note(user=request.user, stage=stage, text=form.cleaned_data["text"])
        saved = f"Your note on stage {stage.number} is saved."
        messages.success(request, saved, extra_tags=f"note-status-{stage.slug}")
        if not request.htmx:
            return redirect(f"{reverse('guide:progress')}#stage-{stage.slug}")
        note, refused = form.cleaned_data["text"], None
    else:
        note = request.POST.get("text", "")
        refused = {"stage": stage, "text": note, "error": " ".join(form.errors["text"])}
    status = HTTPStatus.BAD_REQUEST if refused else HTTPStatus.OK
    if request.htmx:
        context = {
            "entry": {"stage": stage, "note": note},
            "note_max_length": NoteForm.base_fields["text"].max_length,
            "refused_note": refused,
            "oob": True,
        }
        return render(request, "guide/dashboard.html#note", context, status=status)
    context = {**dashboard_context(request), "refused_note": refused}
    return render(request, "guide/dashboard.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reset(request: HtmxHttpRequest) -> HttpResponse:
    """Ask first (GET), then clear one stage's ticks or all of them (POST)."""
    drafts = is_editor(request)
    form = ResetForm(request.POST if request.method == "POST" else request.GET, drafts=drafts)
    if not form.is_valid():
        return bad_request(request, "There is no roadmap stage with that address.")
    stage = form.cleaned_data["stage"]
    if request.method == "POST":
        rules.reset(owner=rules.learner(request), stage=stage)
        what = f"stage {stage.number}" if stage else "the whole roadmap"
        messages.success(request, f"Your progress on {what} was reset.")
        return redirect("guide:progress")
    progress = rules.learner_progress(request, drafts=drafts)
    context = {"stage": stage, "ticked": progress.done_in(stage)}
    return render(request, "guide/reset.html", context)


def export_rows(request: HtmxHttpRequest, *, drafts: bool) -> list[dict]:
    stages = list(RoadmapStage.objects.visible(drafts).with_items(drafts))
    return rules.export_rows(owner=rules.learner(request), stages=stages)


def attachment(response: HttpResponse, extension: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = (
        f'attachment; filename="ml-roadmap-progress-{stamp}.{extension}"'
    )
    return response


@never_cache
@require_safe
def export_json(request: HtmxHttpRequest) -> HttpResponse:
    user, drafts = request.user, is_editor(request)
    document = {
        "exported_at": timezone.now().isoformat(),
        "account": user.get_username() if user.is_authenticated else None,
        "completed_items": export_rows(request, drafts=drafts),
        "notes": rules.export_notes(user=user, drafts=drafts),
        "public_link": rules.export_share(user=user),
    }
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json"
    )
    return attachment(response, "json")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell that a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else value


@never_cache
@require_safe
def export_csv(request: HtmxHttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    columns = ["stage", "stage_title", "item", "item_title", "completed_at"]
    writer = csv.DictWriter(response, fieldnames=columns)
    writer.writeheader()
    writer.writerows(
        {name: spreadsheet_safe(value) for name, value in row.items()}
        for row in export_rows(request, drafts=is_editor(request))
    )
    return attachment(response, "csv")
