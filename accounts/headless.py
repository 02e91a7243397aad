"""allauth headless routes this service does not offer, answered before allauth's own views see them.

Learners are identified by email (ACCOUNT_LOGIN_METHODS = {"email"}), yet allauth's headless URLs include its
phone-number endpoints whatever the login methods. Behind them the default adapter raises NotImplementedError
(a signed-in GET of account/phone was a 500), and ManagePhoneView fails on any method but GET and POST from an
anonymous caller. They answer 404 in allauth's response shape instead.
"""

from http import HTTPStatus

from django.http import JsonResponse
from django.urls import re_path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # it changes nothing, so a missing CSRF token should not turn its 404 into a 403
@never_cache
def phone_not_offered(request):
    return JsonResponse(
        {
            "status": HTTPStatus.NOT_FOUND,
            "errors": [{"code": "phone_not_offered", "message": "This service identifies accounts by email only."}],
        },
        status=HTTPStatus.NOT_FOUND,
    )


# Listed in config/urls.py before include("allauth.headless.urls").
urlpatterns = [
    re_path(r"^(?:browser|app)/v1/(?:account/phone|auth/phone/verify|auth/phone/verify/resend)$", phone_not_offered),
]
