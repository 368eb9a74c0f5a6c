"""The Streamlit side is pages/, streamlit_app.py and src/tracker/web/: nothing else
in the application imports Streamlit (issue 12.3)."""

import ast
from pathlib import Path

from tracker.config import PROJECT_ROOT

WEB_SIDE = (PROJECT_ROOT / "pages", PROJECT_ROOT / "src" / "tracker" / "web")
WEB_FILES = (PROJECT_ROOT / "streamlit_app.py",)


def imports_streamlit(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            return True
    return False


def application_files() -> list[Path]:
    files = sorted((PROJECT_ROOT / "src").rglob("*.py")) + sorted(PROJECT_ROOT.glob("*.py"))
    return files + sorted((PROJECT_ROOT / "pages").glob("*.py"))


def test_nothing_outside_the_web_side_imports_streamlit():
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in application_files()
        if imports_streamlit(path)
        and path not in WEB_FILES
        and not any(path.is_relative_to(folder) for folder in WEB_SIDE)
    ]
    assert offenders == []


def test_the_check_sees_an_import_in_any_form(tmp_path):
    for source in ("import streamlit as st", "from streamlit.errors import X", "import os, streamlit.web"):
        (tmp_path / "m.py").write_text(f"def f():\n    {source}\n")
        assert imports_streamlit(tmp_path / "m.py"), source
    (tmp_path / "m.py").write_text("import streamlined\nfrom .streamlit import x\n")
    assert not imports_streamlit(tmp_path / "m.py")


def test_the_web_side_really_is_where_streamlit_is_used():
    assert imports_streamlit(PROJECT_ROOT / "src" / "tracker" / "web" / "auth.py")
    assert not (PROJECT_ROOT / "src" / "tracker" / "ui.py").exists()
