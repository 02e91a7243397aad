"""allauth adapters: the learner profile defaults and the checks on the email address every sign-up path makes."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms

from accounts.models import EMAIL_MAX_LENGTH


def email_fits(email: str | None) -> bool:
    return len(email or "") <= EMAIL_MAX_LENGTH


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user):
        # There is no username: email is the login.
        return None

    def clean_email(self, email: str) -> str:
        # allauth would cut a longer address to the column's length, creating an account nobody can sign in to.
        # Every form that takes an address calls this: sign-up (app and browser), social sign-up, adding an email.
        if not email_fits(email):
            raise forms.ValidationError(
                f"Enter an email address of at most {EMAIL_MAX_LENGTH} characters.", code="email_too_long"
            )
        return super().clean_email(email)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        # A provider's address too long to store is no address: the learner is asked for one (provider_signup).
        if not email_fits(data.get("email")):
            data = {**data, "email": None}
        sociallogin.email_addresses = [a for a in sociallogin.email_addresses if email_fits(a.email)]
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        if name and not user.display_name:
            user.display_name = name[:80]
        return user
