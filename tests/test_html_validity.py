"""Every page is valid HTML: the W3C Nu Html Checker (vnu.jar) reports no error, warning
or note on any of them, and every page has a short title of its own.

The pages are fetched with the test client in each state a visitor meets them (anonymous,
a guest with ticks, signed in, an editor, after a form without JavaScript, every error
page), written to files and checked in one run of the checker. vnu.jar comes from the
`vnu-jar` npm package pinned in `tests/validator/` (`make test` runs `npm ci` there) and
runs on the system's Java.
"""

import json
import os
import re
import shutil
import subprocess
from html import unescape
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from guide import progress as rules
from guide.models import RoadmapStage, Section, Skill
from guide.platform.outages import server_error, service_unavailable
from tests.factories import DASHBOARD, ROADMAP, SEARCH, site_urls, tick, tick_stage, tick_url

VALIDATOR = settings.BASE_DIR / "tests" / "validator"
VNU_JAR = VALIDATOR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TITLE_LIMIT = 70
# htmx responses are parts of a page: each is checked inside a document of its own.
FRAGMENT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>htmx</title>
</head><body><h1>An htmx response</h1>{}</body></html>"""


def need(message: str) -> None:
    """Skip for want of a tool on a developer's machine; under CI, fail."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def vnu_command() -> list[str]:
    """The command that runs the checker; a skip (a failure under CI) says what is missing."""
    java = shutil.which("java")
    if java is None:
        need("the HTML check needs Java: run `apt-get install -y default-jre-headless` (Debian)")
    if not VNU_JAR.exists():
        if shutil.which("npm") is None:
            need("the HTML check needs npm to install vnu-jar: run `apt-get install -y npm`")
        pytest.fail(f"vnu.jar is missing: run `make test` (it runs `npm ci` in {VALIDATOR})")
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    return vnu_command()


def full_page(response) -> str:
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    return response.content.decode()


def get(client: Client, url: str, status: int = HTTPStatus.OK, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code)
    return full_page(response)


def collect_pages(folder: Path) -> dict[str, str]:
    """Every page of the site, each named by its address and, in brackets, the state it is
    in; error pages by their status first."""
    pages: dict[str, str] = {}
    anonymous = Client()

    # Reading pages, as an anonymous reader gets them.
    for url in [*site_urls(), SEARCH]:
        pages[url] = get(anonymous, url)
    # Their filtered and searched states, as a form without JavaScript submits them.
    skill = Skill.objects.published().filter(projects__isnull=False).first()
    for url in [
        "/skills/?category=mlops&stage=6&q=docker",
        "/skills/?q=zzzz",
        "/projects/?area=deep-learning",
        f"/projects/?skill={skill.slug}",
        "/career/?years=5",
        "/salaries/?level=mid-level",
        "/certifications/?provider=aws&q=aws",
        "/search/?q=learning",
        "/search/?q=deploying+models",
        "/search/?q=pytroch",
        "/search/?q=zzzzqqq",
        "/search/?q=kubernetes+cost",
        "/search/?q=llm",
    ]:
        pages[url] = get(anonymous, url)
    # Accounts, before signing in.
    reader = get_user_model().objects.create_user("rita", "rita@example.org", "a passphrase 3")
    for name in ["login", "signup", "password-reset", "password-reset-sent"]:
        url = reverse(f"guide:{name}")
        pages[url] = get(anonymous, url)
    url = reverse("guide:password-reset-confirm", args=["MQ", "bad-token"])
    pages[f"{url} (a used link)"] = get(anonymous, url)
    uid = urlsafe_base64_encode(force_bytes(reader.pk))
    url = reverse(
        "guide:password-reset-confirm", args=[uid, default_token_generator.make_token(reader)]
    )
    response = Client().get(url, follow=True)
    pages[f"{response.redirect_chain[-1][0]} (a fresh link)"] = full_page(response)
    url = reverse("guide:password-reset-complete")
    pages[url] = get(anonymous, url)
    url = reverse("guide:login")
    pages[f"{url} (refused)"] = full_page(anonymous.post(url, {"username": "x", "password": "x"}))
    url = reverse("guide:signup")
    pages[f"{url} (refused)"] = full_page(anonymous.post(url, {"username": "", "password1": "x"}))

    # Error pages.
    pages["400 /skills/?category=nope"] = get(
        anonymous, "/skills/?category=nope", HTTPStatus.BAD_REQUEST
    )
    pages["400 /search/?q=%00"] = get(anonymous, "/search/?q=%00", HTTPStatus.BAD_REQUEST)
    pages["404 /no-such-page/"] = get(anonymous, "/no-such-page/", HTTPStatus.NOT_FOUND)
    response = anonymous.post("/skills/")
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    pages["405 POST /skills/"] = full_page(response)
    response = Client(enforce_csrf_checks=True).post(reverse("guide:signup"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    pages["403 POST /accounts/signup/ (no CSRF token)"] = full_page(response)
    locked = Client(REMOTE_ADDR="192.0.2.9")
    for _ in range(6):
        response = locked.post(reverse("guide:login"), {"username": "x", "password": "x"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    pages["429 POST /accounts/login/"] = full_page(response)
    pages["500"] = full_page(server_error(RequestFactory().get("/")))
    pages["503"] = full_page(service_unavailable())
    call_command("error_pages", output=folder / "proxy", stdout=StringIO())
    for page in sorted((folder / "proxy").glob("*.html")):
        pages[f"{page.stem} (nginx's own page)"] = page.read_text()

    # A guest who ticked without JavaScript: the pages they come back to.
    guest = Client()
    stage = RoadmapStage.objects.published().first()
    item = stage.items.published().first()
    response = tick(guest, item.slug, next_url="/roadmap/")
    assert response.status_code == HTTPStatus.FOUND
    response = guest.get(response["Location"])
    pages["/roadmap/ (after a tick without JavaScript)"] = full_page(response)
    for url in [ROADMAP, stage.get_absolute_url(), DASHBOARD]:
        pages[f"{url} (a guest with ticks)"] = get(guest, url)
    url = reverse("guide:reset-progress")
    pages[f"{url} (a guest asked first)"] = get(guest, url)

    # A signed-in learner with ticks, a note and a public link.
    learner = Client()
    user = get_user_model().objects.create_user("vera", "vera@example.org", "a passphrase 1")
    learner.force_login(user)
    tick_stage(user, stage.number)
    rules.save_note(user=user, stage=stage, text="Read the *docs* <first>")
    response = learner.post(reverse("guide:share-progress"), {"enabled": "1", "display_name": "V"})
    assert response.status_code == HTTPStatus.FOUND
    for url in [
        DASHBOARD,
        ROADMAP,
        stage.get_absolute_url(),
        reverse("guide:reset-progress") + f"?stage={stage.slug}",
        reverse("guide:password-change"),
        reverse("guide:password-change-done"),
        reverse("guide:delete-account"),
    ]:
        pages[f"{url} (signed in)"] = get(learner, url)
    # The same learner's forms, sent without JavaScript, and refused.
    url = reverse("guide:save-note", args=[stage.slug])
    response = learner.post(url, {"text": "Line one\r\nline two"}, follow=True)
    pages[f"POST {url} (the page it leads to)"] = full_page(response)
    response = learner.post(url, {"text": "x" * 5000}, follow=True)
    pages[f"POST {url} (too long)"] = full_page(response)
    url = reverse("guide:password-change")
    response = learner.post(url, {"old_password": "wrong", "new_password1": "a"})
    pages[f"POST {url} (refused)"] = full_page(response)
    url = reverse("guide:delete-account")
    pages[f"POST {url} (refused)"] = full_page(learner.post(url, {"password": "wrong"}))
    url = tick_url(item.slug)
    response = learner.post(url, {"done": "maybe"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    pages[f"400 POST {url}"] = full_page(response)
    url = reverse("guide:shared-progress", args=[user.progress_share.token])
    pages[url] = get(anonymous, url)
    pages["404 /shared/nope/"] = get(
        anonymous, reverse("guide:shared-progress", args=["nope"]), HTTPStatus.NOT_FOUND
    )
    response = learner.post(reverse("guide:logout"), follow=True)
    pages["/ (after logging out)"] = full_page(response)

    # An editor, who sees drafts marked as such under a banner.
    editor = Client()
    editor.force_login(
        get_user_model().objects.create_superuser("ed", "ed@example.org", "a passphrase 2")
    )
    Section.objects.filter(slug="skills").update(published=False)
    pages["/ (an editor, with a draft)"] = get(editor, "/")
    stage.items.filter(pk=item.pk).update(published=False)
    pages["/roadmap/ (an editor, with a draft)"] = get(editor, ROADMAP)
    pages[f"{stage.get_absolute_url()} (an editor, with a draft)"] = get(
        editor, stage.get_absolute_url()
    )

    # What htmx swaps in, each in a document of its own (the checker reads documents).
    htmx = {"HTTP_HX_REQUEST": "true"}
    for url in [
        "/skills/?category=mlops",
        "/skills/?category=nope",
        "/projects/?area=deep-learning",
        "/career/?years=5",
        "/salaries/?level=mid-level",
        "/certifications/?provider=aws",
        "/search/?q=learning",
        "/search/?q=pytroch",
    ]:
        response = anonymous.get(url, **htmx)
        pages[f"{url} (htmx)"] = FRAGMENT.format(response.content.decode())
    response = anonymous.get("/search/?q=dock", HTTP_HX_TARGET="site-search-results", **htmx)
    pages["/search/?q=dock (htmx, the header's live results)"] = FRAGMENT.format(
        response.content.decode()
    )
    item = stage.items.published().last()
    url = tick_url(item.slug)
    response = guest.post(url, {"done": "1", "next": "/roadmap/"}, **htmx)
    assert response.status_code == HTTPStatus.OK
    pages[f"POST {url} (htmx, a guest)"] = FRAGMENT.format(response.content.decode())
    return pages


def check(vnu: list[str], pages: dict[str, str], folder: Path) -> list[str]:
    """The checker's messages on `pages`, each as 'page, line: message'."""
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{number:03}.html"
        path.write_text(html)
        files[path.name] = name
    result = subprocess.run(
        [*vnu, "--format", "json", "--exit-zero-always", "--stdout", *sorted(files)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    found = []
    for message in json.loads(result.stdout)["messages"]:
        url = message.get("url", "")
        name = files.get(url.rsplit("/", 1)[-1], url)
        kind = message.get("subType", message["type"])
        line = message.get("lastLine", "?")
        found.append(f"{name}, line {line}: {kind}: {message['message']}")
    return found


@pytest.fixture
def pages(content, tmp_path) -> dict[str, str]:
    return collect_pages(tmp_path)


def test_every_page_is_valid_html(vnu, pages, tmp_path):
    # A page known to be wrong (no `lang`) shows that the checker reads the files and
    # that its messages reach this test.
    canary = "<!doctype html><title>A known mistake</title><h1>No lang</h1>"
    messages = check(vnu, {**pages, "canary": canary}, tmp_path)
    assert [message for message in messages if message.startswith("canary,")] != []
    messages = [message for message in messages if not message.startswith("canary,")]
    assert messages == [], f"{len(messages)} messages:\n" + "\n".join(messages)


def title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).strip()


def test_titles_are_short_and_each_page_has_its_own(pages):
    documents = {name: html for name, html in pages.items() if "(htmx" not in name}
    too_long = {name: title(html) for name, html in documents.items()}
    too_long = {name: text for name, text in too_long.items() if len(text) >= TITLE_LIMIT}
    assert too_long == {}
    # Pages with an address of their own and no query string: no two share a title.
    paths_by_title: dict[str, set[str]] = {}
    for name, html in documents.items():
        path = name.split(" ")[0]
        if path.startswith("/") and "?" not in path:
            paths_by_title.setdefault(title(html), set()).add(path)
    shared = {text: paths for text, paths in paths_by_title.items() if len(paths) > 1}
    assert shared == {}
    assert len(paths_by_title) > 30  # every reading, account and progress page


@pytest.mark.parametrize(
    ("ci", "outcome"), [("", pytest.skip.Exception), ("true", pytest.fail.Exception)]
)
@pytest.mark.parametrize(
    ("missing", "advice"),
    [({"java"}, "default-jre-headless"), ({"npm"}, "apt-get install -y npm")],
)
def test_a_missing_tool_skips_the_check_but_fails_it_under_ci(
    monkeypatch, tmp_path, ci, outcome, missing, advice
):
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name: None if name in missing else real_which(name)
    )
    monkeypatch.setattr(f"{__name__}.VNU_JAR", tmp_path / "absent.jar")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match=advice):
        vnu_command()
