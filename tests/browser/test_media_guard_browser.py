"""Issue 22.6: a download button's ``/media/…`` address serves its file only to a browser
with a live tracker session; the same address without the cookie (copied from a proxy's
access log, say) is refused, against the running server."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.browser.test_browser import idle, log_in


def test_a_download_address_without_the_session_cookie_is_refused(page, app):
    log_in(page, app, "funder")
    page.get_by_role("heading", name="Funder summary").wait_for()
    idle(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the figures (XLSX)").click()
    url = download.value.url
    assert "/media/" in url
    # The signed-in browser's own request (its cookies) still gets the file.
    own = page.context.request.get(url)
    assert own.status == 200 and own.body()[:2] == b"PK"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=30)  # noqa: S310 - the test server's own address
    assert refused.value.code == 403
    assert b"PK" not in refused.value.read()[:2]
    # A forged cookie is no session either.
    forged = urllib.request.Request(url, headers={"Cookie": "tracker_session=forged"})
    with pytest.raises(urllib.error.HTTPError) as refused_again:
        urllib.request.urlopen(forged, timeout=30)  # noqa: S310
    assert refused_again.value.code == 403
