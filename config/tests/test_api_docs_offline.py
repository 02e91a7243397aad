"""/api/docs/ (Swagger UI) and /api/redoc/ (ReDoc) render in a real browser (the root conftest's `browser_page`)
that may reach this server and nothing else: the network is off for every other address."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# ReDoc's "API docs by Redocly" footer shows Redocly's logo from its CDN, and hides it when that fails.
REDOC_BADGE = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.mark.parametrize(
    ("page_path", "rendered", "outside"),
    [("/api/docs/", ".opblock-summary-path", []), ("/api/redoc/", "[data-section-id^='tag/']", [REDOC_BADGE])],
)
def test_the_api_docs_render_in_a_browser_with_the_network_off(live_server, browser_page, page_path, rendered, outside):
    """Chromium may reach the live server and nothing else: Swagger UI and ReDoc still render the whole schema."""
    page, refused = browser_page, []

    def only_this_server(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    page.route("**/*", only_this_server)
    page.goto(f"{live_server.url}{page_path}")
    page.wait_for_selector(rendered)
    text = page.inner_text("body")
    assert "Lingo API" in text
    assert "/api/v1/sessions/{id}/answers/" in text
    assert refused == outside
