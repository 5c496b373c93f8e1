"""Accounts without a password in hand: reset by email (Django's views) and accepting an invitation.

Anyone may open these pages, signed in or not: the link in the email is the authority. The reset pages answer the
same for every address (no enumeration); the reset does not sign in (the user signs in with the new password),
accepting an invitation does (the user has just set their first password).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from core.accounts import invitations as invitation_services
from core.accounts import password_reset as reset_services
from core.accounts.selectors import invitation_get_open
from core.views import add_service_errors

SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link: counted against the limits and handed to a task, the same page whatever the address."""

    def form_valid(self, form):
        reset_services.password_reset_request(email=form.cleaned_data["email"], request=self.request)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set the new password from the link (Django's checks: token age, single use through the password hash)."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_services.password_reset_completed(user=form.user, request=self.request)
        return response


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get_open(token=token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend=SIGN_IN_BACKEND)
            messages.success(request, "Your password is set. Welcome to SkillHub.")
            return redirect("skillhub:home")
    return render(request, "registration/invitation_accept.html", {"form": form, "invitation": invitation})
