from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from guide import forms
from guide.views import accounts, health, meta, pages, progress

app_name = "guide"

urlpatterns = [
    path("", pages.home, name="home"),
    path("guide/<slug:slug>/", pages.section, name="section"),
    path("roadmap/", progress.roadmap, name="roadmap"),
    path("roadmap/<slug:slug>/", progress.stage, name="stage"),
    path("skills/", pages.filtered_list, {"listing": pages.SKILLS}, name="skills"),
    path("projects/", pages.filtered_list, {"listing": pages.PROJECTS}, name="projects"),
    path("career/", pages.filtered_list, {"listing": pages.CAREER}, name="career"),
    path("salaries/", pages.filtered_list, {"listing": pages.SALARIES}, name="salaries"),
    path(
        "certifications/",
        pages.filtered_list,
        {"listing": pages.CERTIFICATIONS},
        name="certifications",
    ),
    path("search/", pages.search_page, name="search"),
    path("changes/", meta.changes, name="changes"),
    path("changes/feed/", meta.changes_feed, name="changes-feed"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # For crawlers and browsers.
    path("robots.txt", meta.robots_txt, name="robots"),
    path("sitemap.xml", meta.sitemap, name="sitemap"),
    path("favicon.ico", meta.favicon, name="favicon"),
    # Progress: the learner's own, never anyone else's.
    path("progress/", progress.dashboard, name="progress"),
    path("progress/items/<slug:slug>/", progress.tick_item, name="tick-item"),
    path("progress/stages/<slug:slug>/", progress.tick_stage, name="tick-stage"),
    path("progress/notes/<slug:slug>/", progress.save_note, name="save-note"),
    path("progress/reset/", progress.reset, name="reset-progress"),
    path("progress/share/", progress.share_progress, name="share-progress"),
    # A learner's progress, public by their choice: anyone with the link may read it.
    path("shared/<slug:token>/", progress.shared_progress, name="shared-progress"),
    path("progress/export.json", progress.export_json, name="export-json"),
    path("progress/export.csv", progress.export_csv, name="export-csv"),
    # Accounts.
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/delete/", accounts.delete_account, name="delete-account"),
    path(
        "accounts/password-change/",
        accounts.PasswordChangeView.as_view(),
        name="password-change",
    ),
    path(
        "accounts/password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("accounts/password-reset/", accounts.PasswordResetView.as_view(), name="password-reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password-reset-sent",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.SetPasswordForm,
            success_url=reverse_lazy("guide:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
