"""The sitemap: every published reading page with the date its content last changed.

Never drafts, account or progress pages. Each page's date is one query (`last_changed`).
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from guide import history
from guide.models import RoadmapStage, Section

# The pages with a fixed address, and what each shows (readers' view: no drafts).
FIXED_PAGES = {
    "guide:home": lambda: history.home_sources(drafts=False),
    "guide:roadmap": lambda: history.list_page_sources(Section.Feature.ROADMAP, drafts=False),
    "guide:skills": lambda: history.list_page_sources(Section.Feature.SKILLS, drafts=False),
    "guide:projects": lambda: history.projects_sources(drafts=False),
    "guide:career": lambda: history.list_page_sources(Section.Feature.CAREER, drafts=False),
    "guide:salaries": lambda: history.list_page_sources(Section.Feature.SALARIES, drafts=False),
    "guide:certifications": lambda: history.list_page_sources(
        Section.Feature.CERTIFICATIONS, drafts=False
    ),
    "guide:changes": lambda: history.every_source(),
}


class FixedPagesSitemap(Sitemap):
    def items(self):
        return list(FIXED_PAGES)

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return history.last_changed(*FIXED_PAGES[item]())


class SectionSitemap(Sitemap):
    def items(self):
        return Section.objects.published()

    def lastmod(self, item):
        return history.last_changed(*history.section_sources(item, drafts=False))


class StageSitemap(Sitemap):
    def items(self):
        return RoadmapStage.objects.published()

    def lastmod(self, item):
        return history.last_changed(*history.stage_sources(item, drafts=False))


SITEMAPS = {"pages": FixedPagesSitemap, "sections": SectionSitemap, "stages": StageSitemap}
