"""Sign-up, log-in and account deletion; Django's auth views do the rest.

Logging in or signing up moves a guest's ticks into the account.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from guide import progress as rules
from guide.forms import (
    DeleteAccountForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SignUpForm,
)
from guide.platform import auth, background
from guide.platform.limits import over_limit, too_many_requests
from guide.platform.methods import require_http_methods
from guide.views.helpers import HtmxHttpRequest


def keep_guest_progress(request: HtmxHttpRequest) -> None:
    added = rules.merge_guest_progress(session=request.session, user=request.user)
    if added:
        ticked = "1 item you ticked is" if added == 1 else f"{added} items you ticked are"
        messages.success(request, f"The {ticked} now saved in your account.")


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        keep_guest_progress(self.request)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You are logged out. Your progress stays in your account.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("guide:password-change-done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetView(auth_views.PasswordResetView):
    """Answer the same, in the same time, whether or not the address has an account.

    Finding the accounts and sending the mail happen after the response, in the
    background; the request only validates the form and counts it against the limits
    (per address and per client), so known and unknown addresses take one path.
    """

    form_class = PasswordResetForm
    success_url = reverse_lazy("guide:password-reset-sent")
    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        address = form.cleaned_data["email"].strip().lower()
        retry_after = over_limit(
            self.request,
            group="password-reset-client",
            rate=settings.RATELIMIT_PASSWORD_RESET_PER_CLIENT,
        ) or over_limit(
            self.request,
            group="password-reset-address",
            rate=settings.RATELIMIT_PASSWORD_RESET_PER_ADDRESS,
            key=lambda group, request: address,
        )
        if retry_after:
            what = "Too many password resets were asked for this address or from your network"
            return too_many_requests(self.request, retry_after, what)
        background.run_later(
            form.save,
            domain_override=self.request.get_host(),
            use_https=self.request.is_secure(),
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
        )
        return redirect(self.get_success_url())


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("guide:progress")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # Someone took the name or the address since the form was checked.
            form.add_error(None, "That username or email address was just taken. Try again.")
            return render(request, "registration/signup.html", {"form": form}, status=400)
        login(request, user, backend=auth.BACKEND)
        messages.success(request, f"Welcome, {user.get_username()}! Your account is ready.")
        keep_guest_progress(request)
        return redirect("guide:progress")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HtmxHttpRequest) -> HttpResponse:
    """Delete the account and everything tied to it, once the password is confirmed."""
    form = DeleteAccountForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()  # cascades to the ticks and notes
        messages.success(request, "Your account and all its data were deleted.")
        return redirect("guide:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/delete_account.html", {"form": form}, status=status)
