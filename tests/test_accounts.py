import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from guide.models import Completion, RoadmapStage, StageNote
from guide.platform import background
from guide.progress import save_note
from tests.conftest import PASSWORD
from tests.factories import DASHBOARD, HOME, tick, tick_stage

User = get_user_model()


def test_sign_up_logs_in_and_keeps_guest_ticks(client, content):
    tick(client, "programming-functions")
    tick(client, "data-analysis-sql")
    response = client.post(
        reverse("guide:signup"),
        {
            "username": "grace",
            "email": "",
            "password1": "a long passphrase",
            "password2": "a long passphrase",
        },
    )
    assert response["Location"] == DASHBOARD
    grace = User.objects.get(username="grace")
    assert set(Completion.objects.filter(user=grace).values_list("item__slug", flat=True)) == {
        "programming-functions",
        "data-analysis-sql",
    }
    dashboard = client.get(DASHBOARD)
    assert "Signed in as <strong>grace</strong>" in dashboard.text
    assert "The 2 items you ticked are now saved in your account." in dashboard.text
    assert "guest_progress" not in client.session


GOOD = "a long passphrase"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "x", "password1": GOOD, "password2": "other"}, "The two password fields"),
        ({"username": "x", "password1": "password", "password2": "password"}, "too common"),
        ({"username": "ada", "password1": GOOD, "password2": GOOD}, "username already exists"),
        (
            {"username": "x", "email": "nope", "password1": GOOD, "password2": GOOD},
            "Enter a valid email address.",
        ),
    ],
)
def test_sign_up_problems_are_explained(client, ada, data, message):
    response = client.post(reverse("guide:signup"), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.text
    assert User.objects.count() == 1


def test_log_in_merges_guest_ticks(client, ada, content):
    tick_stage(ada, 1)
    tick(client, "programming-functions")
    tick(client, "mlops-api-development")
    response = client.post(reverse("guide:login"), {"username": "ada", "password": PASSWORD})
    assert response["Location"] == DASHBOARD
    assert Completion.objects.filter(user=ada).count() == 6
    assert "The 1 item you ticked is now saved in your account." in client.get(DASHBOARD).text


def test_log_in_respects_a_local_next(client, ada, db):
    response = client.post(
        reverse("guide:login") + "?next=/roadmap/",
        {"username": "ada", "password": PASSWORD, "next": "/roadmap/"},
    )
    assert response["Location"] == "/roadmap/"
    client.logout()
    response = client.post(
        reverse("guide:login"),
        {"username": "ada", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == DASHBOARD


def test_failed_logins_lock_the_username(client, ada, db):
    for _ in range(5):
        response = client.post(reverse("guide:login"), {"username": "ada", "password": "wrong"})
        assert response.status_code in {HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS}
    response = client.post(reverse("guide:login"), {"username": "ada", "password": PASSWORD})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed logins" in response.text
    assert not client.get(HOME).wsgi_request.user.is_authenticated


def test_failed_logins_lock_the_client_address(client, ada, db):
    for number in range(5):
        client.post(reverse("guide:login"), {"username": f"guess{number}", "password": "wrong"})
    response = client.post(reverse("guide:login"), {"username": "ada", "password": PASSWORD})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    other_address = client.post(
        reverse("guide:login"), {"username": "ada", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert other_address.status_code == HTTPStatus.FOUND


def test_a_wrong_password_says_so(client, ada, db):
    response = client.post(reverse("guide:login"), {"username": "ada", "password": "wrong"})
    assert response.status_code == HTTPStatus.OK
    assert "Please enter a correct username and password." in response.text


def test_log_out_is_a_post(client, ada, db):
    client.force_login(ada)
    assert client.get(reverse("guide:logout")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = client.post(reverse("guide:logout"))
    assert response["Location"] == HOME
    assert not client.get(HOME).wsgi_request.user.is_authenticated


def test_password_reset_by_email(client, ada, transactional_db):
    # The mail goes out after the response, from a worker thread: its database
    # connection sees only committed rows, hence transactional_db.
    response = client.post(reverse("guide:password-reset"), {"email": "ADA@example.org"})
    assert response["Location"] == reverse("guide:password-reset-sent")
    background.wait_for_jobs()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    # The form posts where it was shown (the address without the token).
    action = re.search(r'<form class="account-form" method="post" action="([^"]*)"', form.text)
    assert action.group(1) == form.redirect_chain[-1][0]
    response = client.post(
        action.group(1),
        {"new_password1": "brand new passphrase", "new_password2": "brand new passphrase"},
    )
    assert response["Location"] == reverse("guide:password-reset-complete")
    ada.refresh_from_db()
    assert ada.check_password("brand new passphrase")
    assert "This link no longer works" in client.get(link, follow=True).text


def test_password_reset_for_an_unknown_address_reveals_nothing(client, transactional_db):
    response = client.post(reverse("guide:password-reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("guide:password-reset-sent")
    background.wait_for_jobs()
    assert mail.outbox == []


def test_password_change(client, ada, db):
    client.force_login(ada)
    response = client.post(
        reverse("guide:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another passphrase",
            "new_password2": "another passphrase",
        },
    )
    assert response["Location"] == reverse("guide:password-change-done")
    ada.refresh_from_db()
    assert ada.check_password("another passphrase")


def test_delete_account_needs_the_password_and_deletes_everything(client, ada, content):
    tick_stage(ada, 2)
    save_note(user=ada, stage=RoadmapStage.objects.get(number=2), text="note")
    client.force_login(ada)
    assert "Delete your account?" in client.get(reverse("guide:delete-account")).text

    response = client.post(reverse("guide:delete-account"), {"password": "wrong"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "That is not your password." in response.text
    assert User.objects.filter(username="ada").exists()

    response = client.post(reverse("guide:delete-account"), {"password": PASSWORD})
    assert response["Location"] == HOME
    assert not User.objects.filter(username="ada").exists()
    assert not Completion.objects.exists() and not StageNote.objects.exists()
    home = client.get(HOME)
    assert "Your account and all its data were deleted." in home.text
    assert "Log in" in home.text


def test_account_pages_need_a_login(client, db):
    for name in ("guide:delete-account", "guide:password-change"):
        assert client.get(reverse(name))["Location"].startswith(reverse("guide:login"))
