"""The deployment guide's nginx config (docs/deploy/nginx.conf): valid, compressing,
caching Streamlit's hashed files, sending the security headers, hiding the metrics."""

import http.client
import shutil
import ssl
import tempfile
from pathlib import Path

import pytest

from benchmarks import proxy
from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.web import precompress

REASON = proxy.available()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")
SECURITY_HEADERS = {
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
    "referrer-policy",
    "strict-transport-security",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxy")
    url = f"sqlite:///{folder / 'tracker.db'}"
    engine = database.open_database(url)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
    engine.dispose()
    # nginx's workers run as nobody: a world-readable folder, not pytest's private one.
    workdir = Path(tempfile.mkdtemp(prefix="tracker-nginx-"))
    app_port, http_port, tls_port = proxy.free_port(), proxy.free_port(), proxy.free_port()
    app = proxy.start_app(app_port, url, folder / "streamlit.log")
    # A precompressed folder holding only the entry script, as `tracker precompress-static`
    # writes it: that file comes from disk, every other one through the app.
    entry = _entry_script()
    source = workdir / "source"
    (source / "js").mkdir(parents=True)
    shutil.copy(precompress.streamlit_static_dir() / "js" / entry, source / "js" / entry)
    precompress.precompress(workdir / "static", source)
    nginx = proxy.prepare(workdir, http_port, tls_port, [app_port], workdir / "static")
    try:
        checked = nginx.test()
        nginx.start()
        proxy.wait_until(f"{nginx.url}/_stcore/health", nginx.process)
        yield nginx, checked
    finally:
        nginx.stop()
        app.terminate()
        app.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def _entry_script() -> str:
    index = (precompress.streamlit_static_dir().parent / "index.html").read_text()
    return index.split('src="./static/js/', 1)[1].split('"', 1)[0]


def _get(nginx, path: str, encoding: str | None = None, tls: bool = True):
    if tls:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", nginx.tls_port, context=ssl._create_unverified_context(), timeout=30
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", nginx.http_port, timeout=30)
    headers = {"Accept-Encoding": encoding} if encoding else {}
    connection.request("GET", path, headers=headers)
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body


def _static_script(nginx) -> str:
    _status, _headers, body = _get(nginx, "/")
    marker = b'src="./static/js/'
    start = body.index(marker) + len(marker) - len("static/js/")
    return "/" + body[start : body.index(b'"', start)].decode()


def test_the_documented_config_passes_nginx_t(served):
    _nginx, checked = served
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr


def test_static_files_come_compressed_with_brotli_or_gzip_and_cached_for_a_year(served):
    nginx, _ = served
    script = _static_script(nginx)
    status, plain, body = _get(nginx, script)
    assert status == 200 and "content-encoding" not in plain
    status, headers, brotli_body = _get(nginx, script, "br, gzip")
    assert status == 200 and headers["content-encoding"] == "br"
    assert len(brotli_body) < len(body) / 3
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    _status, headers, _body = _get(nginx, script, "gzip")
    assert headers["content-encoding"] == "gzip" and "accept-encoding" in headers["vary"].lower()


def test_precompressed_copies_are_served_from_disk_and_other_files_through_the_app(served):
    nginx, _ = served
    folder = nginx.workdir / "static" / "js"
    entry = _entry_script()
    status, headers, body = _get(nginx, f"/static/js/{entry}", "br, gzip")
    assert status == 200 and headers["content-encoding"] == "br"
    assert body == (folder / f"{entry}.br").read_bytes()  # level 11 from disk, not level 6 on the fly
    status, headers, body = _get(nginx, f"/static/js/{entry}", "gzip")
    assert headers["content-encoding"] == "gzip" and body == (folder / f"{entry}.gz").read_bytes()
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    other = next(p.name for p in (precompress.streamlit_static_dir() / "js").glob("*.js") if p.name != entry)
    status, headers, body = _get(nginx, f"/static/js/{other}", "br")
    assert status == 200 and headers["content-encoding"] == "br"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"


def _media(prefix: str) -> str:
    [font] = sorted(precompress.streamlit_static_dir().glob(f"media/{prefix}*.woff2"))[:1]
    return f"/static/media/{font.name}"


def test_fonts_are_not_compressed_again(served):
    nginx, _ = served
    status, headers, _body = _get(nginx, _media("MaterialSymbols-Rounded"), "br, gzip")
    assert status == 200 and "content-encoding" not in headers


def test_the_unused_source_sans_font_is_not_sent_but_the_icons_are(served):
    """The theme uses the system's fonts: Source Sans, asked for by Streamlit's first render,
    is answered "not found" (171 KB saved on a slow link); the icon font is served."""
    nginx, _ = served
    for name in ("SourceSansVF-Upright", "SourceSansVF-Italic"):
        status, _headers, body = _get(nginx, _media(name))
        assert status == 404 and len(body) < 1000, name
    assert _get(nginx, _media("MaterialSymbols-Rounded"))[0] == 200


def test_every_answer_carries_the_security_headers(served):
    nginx, _ = served
    for path in ("/", _static_script(nginx), "/_stcore/health", "/_stcore/metrics"):
        _status, headers, _body = _get(nginx, path)
        assert SECURITY_HEADERS <= set(headers), path
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "max-age=31536000" in headers["strict-transport-security"]
        assert headers["server"] == "nginx"  # no version


def test_metrics_and_the_agent_description_are_not_public(served):
    nginx, _ = served
    for path in ("/_stcore/metrics", "/_stcore/script-health-check", "/_stcore/agent/openapi.json"):
        status, _headers, body = _get(nginx, path)
        assert status == 404, path
        assert b"session_events" not in body
    assert _get(nginx, "/_stcore/health")[0] == 200  # the browser app needs these two
    assert _get(nginx, "/_stcore/host-config")[0] == 200


def test_plain_http_is_sent_to_https_and_the_page_says_it_is_loading(served):
    nginx, _ = served
    status, headers, _body = _get(nginx, "/", tls=False)
    assert status == 301 and headers["location"].startswith("https://")
    _status, _headers, body = _get(nginx, "/")
    assert b'<div id="root"><p' in body and b"Loading the campaign tracker" in body


def test_the_log_in_form_s_scripts_are_preloaded_and_exist_in_this_streamlit(served):
    """The site file preloads the text-input scripts by their hashed names: each must be a
    file of the installed Streamlit (this fails at an upgrade that renames them), and the
    page must carry the hints, before its stylesheet."""
    import re

    names = re.findall(r'modulepreload" crossorigin href="\./static/js/([^"]+)"', proxy.SITE.read_text())
    assert any(name.startswith("TextInput.") for name in names) and len(names) > 10
    js = precompress.streamlit_static_dir() / "js"
    assert [name for name in names if not (js / name).exists()] == []
    nginx, _ = served
    _status, _headers, body = _get(nginx, "/")
    page = body.decode()
    for name in names:
        assert page.index(f"./static/js/{name}") < page.index('rel="stylesheet"'), name


def test_download_urls_stay_out_of_the_access_log():
    """Issue 22.6: /media/... links are kept out of the proxy's access log."""
    import re
    from pathlib import Path

    conf = (Path(__file__).resolve().parents[1] / "docs" / "deploy" / "nginx.conf").read_text()
    block = re.search(r"location \^~ /media/ \{(.*?)\}", conf, re.S)
    assert block is not None and "access_log off;" in block.group(1)
