from django.urls import path

from guide import views

app_name = "guide"

urlpatterns = [
    path("", views.home, name="home"),
    path("guide/<slug:slug>/", views.section, name="section"),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("roadmap/<slug:slug>/", views.stage, name="stage"),
    path("skills/", views.skills, name="skills"),
    path("projects/", views.projects, name="projects"),
    path("career/", views.career, name="career"),
    path("salaries/", views.salaries, name="salaries"),
    path("certifications/", views.certifications, name="certifications"),
    path("search/", views.search_page, name="search"),
    path("healthz", views.healthz, name="healthz"),
]
