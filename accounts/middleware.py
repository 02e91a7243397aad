"""Social providers without credentials are not offered: their allauth pages answer 404, not 500."""

from allauth.socialaccount.models import SocialApp
from django.http import Http404

from config.exceptions import page_not_found


class UnconfiguredProviderMiddleware:
    """allauth routes /accounts/<provider>/login/ and its callback for every installed provider, but a provider
    gets an app only when its credentials are set (settings.SOCIALACCOUNT_PROVIDERS). Without one, allauth's
    views raise SocialApp.DoesNotExist, which would be a 500 for whoever follows the link."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SocialApp.DoesNotExist):
            return page_not_found(request, Http404("This sign-in provider is not configured."))
        return None
