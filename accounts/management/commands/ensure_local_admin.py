"""Create a local admin account for `make run` when no superuser exists, and print its credentials."""

import secrets

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User


class Command(BaseCommand):
    help = "Create a local superuser (admin@example.com) with a random password if none exists; print the credentials."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="admin@example.com")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/", help="Where the admin is served.")

    def handle(self, *args, email, url, **options):
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser already exists; no local admin created.")
            return
        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User.objects.create_superuser(email=email, password=password, display_name="Local admin")
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Local admin created for {url}\n"
                f"    email:    {email}\n    password: {password}\n"
                "  (shown once; run `manage.py changepassword` to change it)\n"
            )
        )
