"""JSON-LD in a real browser: the CSP (`script-src 'self'`) has nothing to block, the
console stays clean, and the blocks parse as the data we built."""

from django.urls import reverse

from guide.models import SalaryBand
from tests.factories import DEEP_LEARNING_STAGE, HOME, SALARIES

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
READ_JSON_LD = """
[...document.querySelectorAll('script[type="application/ld+json"]')]
  .map((block) => JSON.parse(block.textContent))
"""


def test_json_ld_parses_in_the_browser_without_csp_violations(page, live_server, content):
    problems = []
    page.on("console", lambda msg: msg.type in {"error", "warning"} and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(RECORD_VIOLATIONS)
    found = {}
    for url in [
        HOME,
        reverse("guide:section", args=["salary-expectations"]),
        DEEP_LEARNING_STAGE,
        SALARIES + "?level=mid-level",
    ]:
        page.goto(live_server.url + url)
        found[url] = page.evaluate(READ_JSON_LD)
        assert page.evaluate("window.cspViolations") == [], url
    assert problems == []

    (occupation,) = found[HOME]
    assert occupation["@type"] == "Occupation"
    assert [entry["percentile10"] for entry in occupation["estimatedSalary"]] == [
        band.min_usd for band in SalaryBand.objects.published()
    ]
    section_types = [block["@type"] for block in found["/guide/salary-expectations/"]]
    assert section_types == ["Article", "BreadcrumbList"]
    crumbs = found[SALARIES + "?level=mid-level"][0]["itemListElement"]
    assert crumbs[-1]["item"] == live_server.url + SALARIES
