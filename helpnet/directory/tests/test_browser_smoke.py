import pytest

pytestmark = pytest.mark.browser


def test_home_page_renders_in_chromium(page, live_server):
    page.goto(live_server.url + "/sl/")
    assert page.locator("h1").inner_text()
    page.get_by_role("link", name="English").click()
    assert page.url.endswith("/en/")
