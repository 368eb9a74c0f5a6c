"""Run the deployment guide's nginx config (docs/deploy/nginx.conf) on loopback ports.

The site file is used as written; only what must differ on a test machine changes:
the listen ports (loopback), the replicas' addresses and the certificate paths (a
self-signed certificate made here). The main nginx.conf around it is what Debian's
package provides: ``load_module`` for the brotli filter, mime types, temp paths.
Used by ``tests/test_proxy_config.py`` and ``make bench-network``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "docs" / "deploy" / "nginx.conf"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
BROTLI_STATIC_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def available() -> str | None:
    """None when nginx with Debian's brotli module can run here, else why not."""
    if not Path(NGINX).exists():
        return "nginx is not installed (apt-get install nginx)"
    if not BROTLI_MODULE.exists():
        return "the brotli module is missing (apt-get install libnginx-mod-http-brotli-filter)"
    if not BROTLI_STATIC_MODULE.exists():
        return "the brotli_static module is missing (apt-get install libnginx-mod-http-brotli-static)"
    if shutil.which("openssl") is None:
        return "openssl is missing"
    return None


def site_config(
    http_port: int, tls_port: int, upstreams: list[int], cert: Path, key: Path, static_dir: Path
) -> str:
    text = SITE.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(\s*)listen 80;", rf"\1listen 127.0.0.1:{http_port};", text)
    text = re.sub(r"(?m)^(\s*)listen 443 ssl", rf"\1listen 127.0.0.1:{tls_port} ssl", text)
    servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port in upstreams)
    text = re.sub(r"(?m)^(    server 127\.0\.0\.1:\d+[^;\n]*;\n)+", servers, text, count=1)
    text = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate     {cert};", text)
    text = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", text)
    text = re.sub(r"alias /var/www/tracker-static/;", f"alias {static_dir}/;", text)
    return text


def main_config(workdir: Path) -> str:
    return f"""load_module {BROTLI_MODULE};
load_module {BROTLI_STATIC_MODULE};
daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {workdir}/access.log;
    client_body_temp_path {workdir}/tmp/body;
    proxy_temp_path {workdir}/tmp/proxy;
    fastcgi_temp_path {workdir}/tmp/fastcgi;
    uwsgi_temp_path {workdir}/tmp/uwsgi;
    scgi_temp_path {workdir}/tmp/scgi;
    include {workdir}/site.conf;
}}
"""


def self_signed(workdir: Path) -> tuple[Path, Path]:
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def spki_hash(cert: Path) -> str:
    """The certificate's public-key hash, for Chromium's --ignore-certificate-errors-spki-list:
    the browser then treats the test certificate as valid, and caches (it does not cache
    answers over a certificate it was told to ignore)."""
    public = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"], input=public, check=True, capture_output=True
    ).stdout
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(der).digest()).decode()


@dataclass
class Proxy:
    workdir: Path
    http_port: int
    tls_port: int
    process: subprocess.Popen | None = None

    @property
    def conf(self) -> Path:
        return self.workdir / "nginx.conf"

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.tls_port}"

    @property
    def cert(self) -> Path:
        return self.workdir / "cert.pem"

    def test(self) -> subprocess.CompletedProcess:
        """``nginx -t`` on the config: exit 0 and "syntax is ok" when it is valid."""
        return subprocess.run([NGINX, "-t", "-c", str(self.conf)], capture_output=True, text=True)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [NGINX, "-c", str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM to the master: fast shutdown of its workers
            self.process.wait(timeout=10)


def prepare(
    workdir: Path, http_port: int, tls_port: int, upstreams: list[int], static_dir: Path | None = None
) -> Proxy:
    """nginx with the guide's site file in ``workdir``. ``static_dir``: the folder written by
    ``tracker precompress-static`` (default: an empty one, so every static file is passed to
    the app and compressed on the fly, as after a Streamlit upgrade)."""
    workdir.mkdir(parents=True, exist_ok=True)
    if static_dir is None:
        static_dir = workdir / "static"
        static_dir.mkdir(exist_ok=True)
    for folder in (static_dir, *static_dir.rglob("*")):
        if folder.is_dir():
            os.chmod(folder, 0o755)  # readable by nginx's workers (nobody)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / "tmp" / name).mkdir(parents=True, exist_ok=True)
        os.chmod(workdir / "tmp" / name, 0o777)  # workers run as nobody when started by root
    os.chmod(workdir / "tmp", 0o755)
    os.chmod(workdir, 0o755)
    cert, key = self_signed(workdir)
    (workdir / "site.conf").write_text(site_config(http_port, tls_port, upstreams, cert, key, static_dir))
    (workdir / "nginx.conf").write_text(main_config(workdir))
    return Proxy(workdir, http_port, tls_port)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(url: str, process: subprocess.Popen | None = None, timeout: float = 90) -> None:
    """Poll ``url`` (a health endpoint) until it answers 200."""
    import ssl
    import time
    import urllib.request

    context = ssl._create_unverified_context()  # the self-signed test certificate
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)  # polling a health endpoint, not synchronising on time
    raise RuntimeError(f"{url} did not answer")


def start_app(port: int, database_url: str, log: Path, extra_env: dict[str, str] | None = None):
    """``streamlit run streamlit_app.py`` (as deployed: with the session-cookie route) on 127.0.0.1:port."""
    import sys

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TRACKER_SECRET_KEY": "proxy-checks",
        **(extra_env or {}),
    }
    handle = open(log, "wb")  # noqa: SIM115 - the process owns it until it ends
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_until(f"http://127.0.0.1:{port}/_stcore/health", process)
    return process
