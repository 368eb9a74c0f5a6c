"""Streamlit writes its own English placeholder ("Choose options", "Choose an option") in an
empty multiselect, or a selectbox opened on no choice, whatever the reader's language
(issue 20.2). Every such widget in the app names its own placeholder, through ``_()``."""

from __future__ import annotations

import ast

from tracker.config import PROJECT_ROOT

SOURCES = [
    PROJECT_ROOT / "streamlit_app.py",
    *sorted((PROJECT_ROOT / "pages").glob("*.py")),
    *sorted((PROJECT_ROOT / "src" / "tracker" / "web").glob("*.py")),
]


def _needs_placeholder(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name == "multiselect":
        return True
    if name == "selectbox":
        return any(
            k.arg == "index" and isinstance(k.value, ast.Constant) and k.value.value is None
            for k in call.keywords
        )
    return False


def widgets_without_placeholder(source: str, where: str) -> list[str]:
    missing = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _needs_placeholder(node):
            placeholder = next((k.value for k in node.keywords if k.arg == "placeholder"), None)
            translated = (
                isinstance(placeholder, ast.Call)
                and isinstance(placeholder.func, ast.Name)
                and placeholder.func.id in {"_", "N_"}
            )
            if not translated:
                missing.append(f"{where}:{node.lineno}")
    return missing


def test_every_multiselect_and_empty_selectbox_names_its_placeholder_in_the_readers_language():
    missing = [
        spot
        for path in SOURCES
        for spot in widgets_without_placeholder(path.read_text(encoding="utf-8"), path.name)
    ]
    assert missing == []


def test_the_check_finds_a_widget_left_to_streamlits_english():
    assert widgets_without_placeholder("st.multiselect('Forums', options)", "x") == ["x:1"]
    assert widgets_without_placeholder("st.selectbox('Forum', o, index=None)", "x") == ["x:1"]
    assert widgets_without_placeholder("st.selectbox('Forum', o)", "x") == []
    assert widgets_without_placeholder("c.multiselect('F', o, placeholder=_('All forums'))", "x") == []
