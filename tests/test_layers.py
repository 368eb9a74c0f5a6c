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


# ---- the layer order of the package (issue 17) --------------------------------------------

# Lower floors first: a module may import its own floor and any floor below it. web, cli and api
# share the top floor and may import anything below; pages/ and the entry scripts only
# tracker.web and the services (every floor but cli).
FLOORS: tuple[tuple[str, ...], ...] = (
    ("config", "errors", "i18n", "vocabulary"),
    ("text",),
    ("db",),
    ("access",),
    ("records",),
    ("io",),
    ("results",),
    ("publish",),
    ("demo",),
    ("web", "cli", "api"),
)
FLOOR = {name: n for n, names in enumerate(FLOORS) for name in names}

# Today's upward imports, each with its reason; lanes remove them, and a new one fails the test.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {
    ("access.tokens", "records.audit"): "creating and revoking a token is audited in the one audit log",
    (
        "records.submissions",
        "publish.submission_mail",
    ): "a review's e-mail is queued with the write and sent only after it commits",
    (
        "io.outcome_exports",
        "results.outcome_search",
    ): "the audited download of the Outcome list exports its filtered rows",
    ("io.iati", "results.target_status"): "the IATI file carries each target's actual (one computation)",
    ("io.iati", "results.filters"): "the IATI file's public, live activities by filters' one rule",
    ("io.exports", "results.activity_log"): "an audited export reads the rows the activity log reads",
    ("io.exports", "results.filters"): "the type of the filters an audited export hands to the activity log",
}


def _floor_of(module: str) -> int | None:
    """The floor of a ``tracker.X...`` module (None: not part of the package's floors)."""
    parts = module.split(".")
    if parts[0] != "tracker" or len(parts) < 2:
        return None
    return FLOOR.get(parts[1])


def _is_module(dotted: str) -> bool:
    path = PROJECT_ROOT / "src" / Path(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imported_modules(path: Path, package: str) -> set[str]:
    """Every ``tracker`` module ``path`` imports, anywhere in it (a function body too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            # ``from tracker.results import views`` imports the module tracker.results.views;
            # ``from tracker.results.views import x`` imports tracker.results.views.
            submodules = {
                f"{module}.{alias.name}" for alias in node.names if _is_module(f"{module}.{alias.name}")
            }
            found |= submodules or {module}
    return {m for m in found if m.startswith("tracker.") and _floor_of(m) is not None}


def _short(module: str, depth: int = 2) -> str:
    return ".".join(module.split(".")[1 : 1 + depth])


def upward_imports() -> set[tuple[str, str]]:
    """(importing module, imported module) pairs that go up a floor, as ``floor.module``."""
    source = PROJECT_ROOT / "src"
    found: set[tuple[str, str]] = set()
    for path in sorted((source / "tracker").rglob("*.py")):
        module = ".".join(path.relative_to(source).with_suffix("").parts).removesuffix(".__init__")
        own = _floor_of(module)
        if own is None:
            continue
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for imported in _imported_modules(path, package):
            floor = _floor_of(imported)
            if floor is not None and floor > own:
                found.add((_short(module), _short(imported)))
    return found


def test_subpackages_import_only_downward():
    found = upward_imports()
    new = sorted(found - set(ALLOWED_UPWARD))
    assert new == [], f"imports up the layer order (move the code, or explain it in ALLOWED_UPWARD): {new}"


def test_the_allowlist_holds_only_imports_that_still_exist():
    gone = sorted(set(ALLOWED_UPWARD) - upward_imports())
    assert gone == [], f"remove these from ALLOWED_UPWARD, they are fixed: {gone}"


def test_pages_import_only_the_web_side_and_services():
    offenders = []
    for path in [*sorted((PROJECT_ROOT / "pages").glob("*.py")), *WEB_FILES]:
        if not path.exists():
            continue
        for imported in _imported_modules(path, ""):
            if imported.split(".")[1] == "cli":
                offenders.append((path.name, imported))
    assert offenders == []


def test_the_layer_check_sees_an_upward_import(tmp_path):
    (tmp_path / "m.py").write_text("def f():\n    from tracker.web import auth\nfrom . import sibling\n")
    assert _imported_modules(tmp_path / "m.py", "tracker.records") == {"tracker.web.auth", "tracker.records"}
    assert _floor_of("tracker.web.auth") > _floor_of("tracker.records.activities")
