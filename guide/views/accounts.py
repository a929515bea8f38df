"""Sign-up, log-in and account deletion; Django's auth views do the rest.

Logging in or signing up moves a guest's ticks into the account.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from guide import progress as rules
from guide.forms import DeleteAccountForm, LoginForm, PasswordChangeForm, SignUpForm
from guide.views.pages import HtmxHttpRequest


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


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("guide:password-change-done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("guide:progress")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
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
