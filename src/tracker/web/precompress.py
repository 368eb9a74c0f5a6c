"""Precompressed copies of Streamlit's static files, for the reverse proxy to serve itself.

``tracker precompress-static DIR`` copies the installed Streamlit's hashed static files
(``streamlit/static/static``) into ``DIR`` and writes beside every compressible file a
brotli copy at the strongest level (``.br``, quality 11) and a gzip copy (``.gz``, level 9).
nginx then serves them from disk with ``brotli_static`` and ``gzip_static``
(docs/deploy/nginx.conf): about 12 % fewer bytes than brotli compressed on the fly at
level 6 (the Plotly bundle: 1.06 MB instead of 1.22 MB), and no compression work per
request. Run it again after upgrading Streamlit; until then the proxy passes the new
file names to the app (``try_files``), so nothing breaks, only the saving is lost.

The icon font (Material Symbols, 375 KB, which every page loads) is also cut down to the
icons that Streamlit's scripts and the app's code can name (about 600 of 4,000; 66 KB):
its glyphs are named after the icons and drawn by ligature ("expand_more"), so the kept
set is every word of those sources that is an icon's name, a superset of what is shown.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from tracker.config import PROJECT_ROOT
from tracker.errors import TrackerError
from tracker.i18n import _

# What a proxy compresses (docs/deploy/nginx.conf, brotli_types); fonts and images are
# compressed already.
COMPRESSIBLE = frozenset({".js", ".mjs", ".css", ".json", ".svg", ".html", ".txt", ".xml", ".wasm", ".map"})
MIN_BYTES = 256  # as brotli_min_length / gzip_min_length


@dataclass(frozen=True)
class Result:
    files: int
    compressed: int
    original_bytes: int
    brotli_bytes: int


def streamlit_static_dir() -> Path:
    """The installed Streamlit's folder of hashed static files (served at /static/),
    found without importing Streamlit."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.submodule_search_locations:
        raise TrackerError(_("Streamlit is not installed here: install the tracker first."))
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "static"


def precompress(target: Path, source: Path | None = None) -> Result:
    """Copy ``source`` (default: Streamlit's static files) into ``target`` with ``.br`` and
    ``.gz`` copies beside each compressible file. Files already there are replaced."""
    try:
        import brotli  # type: ignore[import-untyped]
    except ImportError as missing:  # installed with WeasyPrint (fonttools[woff])
        message = _("The brotli package is missing: pip install brotli, then run this again.")
        raise TrackerError(message) from missing
    source = source or streamlit_static_dir()
    if not source.is_dir():
        raise TrackerError(_("No static files found in {folder}.").format(folder=source))
    try:
        shutil.copytree(source, target, dirs_exist_ok=True)
    except OSError as error:
        raise TrackerError(
            _("Cannot write to {folder} ({reason}): choose a folder you may write to.").format(
                folder=target, reason=error.strerror or error
            )
        ) from error
    for font in target.glob("media/MaterialSymbols-*.woff2"):
        font.write_bytes(icon_subset(font.read_bytes(), _icon_words(source)))
    files = compressed = original = squeezed = 0
    for path in sorted(target.rglob("*")):
        if not path.is_file() or path.suffix in (".br", ".gz"):
            continue
        files += 1
        if path.suffix not in COMPRESSIBLE or path.stat().st_size < MIN_BYTES:
            continue
        data = path.read_bytes()
        small = brotli.compress(data, quality=11)
        path.with_name(path.name + ".br").write_bytes(small)
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
        compressed += 1
        original += len(data)
        squeezed += len(small)
    return Result(files, compressed, original, squeezed)


def _icon_words(source: Path) -> set[str]:
    """Every word that could name an icon: in Streamlit's scripts, and the app's
    ``:material/name:`` icons (pages, the tracker package, the entry script)."""
    words: set[str] = set()
    for script in source.glob("js/*.js"):
        words |= set(re.findall(r"[a-z0-9_]{2,}", script.read_text(encoding="utf-8", errors="ignore")))
    app_code = [
        *PROJECT_ROOT.glob("*.py"),
        *PROJECT_ROOT.glob("pages/*.py"),
        *Path(__file__).parents[1].rglob("*.py"),
    ]
    for path in app_code:
        words |= set(re.findall(r":material/([a-z0-9_]+):", path.read_text(encoding="utf-8")))
    return words


def icon_subset(font_bytes: bytes, words: set[str]) -> bytes:
    """The icon font with only the icons named in ``words`` (and their filled forms), the
    letters that spell them and the ligatures between them."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(io.BytesIO(font_bytes))
    names = set(font.getGlyphOrder())
    keep = (words & names) | {f"{word}.fill" for word in words} & names
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_closure = False  # else every ligature of the letters comes back: the whole font
    options.layout_features = ["*"]
    options.glyph_names = True
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=sorted(keep), text="abcdefghijklmnopqrstuvwxyz0123456789_")
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()
