"""tracker precompress-static: the folder nginx serves Streamlit's static files from."""

import gzip

import brotli
import pytest

from tracker import cli
from tracker.errors import TrackerError
from tracker.web import precompress


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "source"
    (folder / "js").mkdir(parents=True)
    (folder / "media").mkdir()
    (folder / "js" / "index.abc123.js").write_text("console.log('tracker');\n" * 100)
    (folder / "js" / "tiny.def456.js").write_text("x=1")
    (folder / "media" / "font.789.woff2").write_bytes(b"\x00wOF2" * 100)
    return folder


def test_compressible_files_get_brotli_and_gzip_copies_that_unpack_to_the_original(source, tmp_path):
    target = tmp_path / "static"
    result = precompress.precompress(target, source)
    original = (source / "js" / "index.abc123.js").read_bytes()
    assert (target / "js" / "index.abc123.js").read_bytes() == original
    assert brotli.decompress((target / "js" / "index.abc123.js.br").read_bytes()) == original
    assert gzip.decompress((target / "js" / "index.abc123.js.gz").read_bytes()) == original
    # Under 256 bytes (as nginx's min_length) and fonts: copied, not compressed.
    assert (target / "js" / "tiny.def456.js").exists() and not (target / "js" / "tiny.def456.js.br").exists()
    assert not (target / "media" / "font.789.woff2.br").exists()
    assert (result.files, result.compressed, result.original_bytes) == (3, 1, len(original))
    assert result.brotli_bytes == len((target / "js" / "index.abc123.js.br").read_bytes())


def test_running_it_again_replaces_the_copies(source, tmp_path):
    target = tmp_path / "static"
    precompress.precompress(target, source)
    (source / "js" / "index.abc123.js").write_text("changed();\n" * 50)
    result = precompress.precompress(target, source)
    assert result.files == 3  # the .br and .gz copies are not counted as files to copy
    assert brotli.decompress((target / "js" / "index.abc123.js.br").read_bytes()) == b"changed();\n" * 50


def test_the_installed_streamlit_files_are_found():
    folder = precompress.streamlit_static_dir()
    assert (folder.parent / "index.html").exists() and any(folder.glob("js/index.*.js"))


def test_a_missing_source_is_one_sentence(tmp_path):
    with pytest.raises(TrackerError, match="No static files found"):
        precompress.precompress(tmp_path / "static", tmp_path / "nowhere")


def test_the_command_reports_what_it_wrote(source, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(precompress, "streamlit_static_dir", lambda: source)
    assert cli.main(["precompress-static", str(tmp_path / "static")]) == 0
    out = capsys.readouterr().out
    assert "3 files copied" in out and "1 compressed" in out
    assert (tmp_path / "static" / "js" / "index.abc123.js.br").exists()


def _ligatures(font) -> dict[str, str]:
    """Icon glyph -> the letters that draw it, from the font's ligature table."""
    found = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            for first, ligatures in getattr(table, "ligatures", {}).items():
                for ligature in ligatures:
                    found[ligature.LigGlyph] = [first, *ligature.Component]
    return found


def test_the_icon_font_keeps_the_named_icons_and_their_ligatures_only():
    import io

    from fontTools.ttLib import TTFont

    [source] = sorted(precompress.streamlit_static_dir().glob("media/MaterialSymbols-*.woff2"))
    small = precompress.icon_subset(source.read_bytes(), {"expand_more", "search", "not_an_icon"})
    assert len(small) < source.stat().st_size / 20
    font = TTFont(io.BytesIO(small))
    ligatures = _ligatures(font)
    assert {"expand_more", "search"} <= set(ligatures) and "delete" not in font.getGlyphOrder()
    cmap = font.getBestCmap()  # the letters are kept, so the ligature still draws the icon
    assert ligatures["search"] == [cmap[ord(letter)] for letter in "search"]


def test_icon_names_in_streamlit_s_scripts_are_kept(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text('icon:"keyboard_double_arrow_left"')
    words = precompress._icon_words(tmp_path)
    assert "keyboard_double_arrow_left" in words
