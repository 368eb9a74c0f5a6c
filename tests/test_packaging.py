"""The package works when installed, not only as an editable checkout (issue 12.5):
a wheel built from the checkout, installed into a fresh virtual environment, runs
``tracker init-db`` from another folder with the reference data it ships."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tracker.config import PROJECT_ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of the checkout: an in-tree build writes build/ and *.egg-info there
    # while the other test worker writes bytecode into the same tree (it failed once so).
    source = tmp_path_factory.mktemp("source") / "checkout"
    shutil.copytree(
        PROJECT_ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "test-artifacts", "build", "data", "__pycache__", "*.egg-info"
        ),
    )
    # No build isolation: the dev extra provides setuptools, so no network is needed.
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    [built] = out.glob("kp_campaign_tracker-*.whl")
    return built


def test_the_wheel_ships_the_reference_data_migrations_and_catalogue(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "tracker/reference/forums.csv",
        "tracker/reference/forum_events.csv",
        "tracker/reference/themes.csv",
        "tracker/reference/organisations.csv",
        "tracker/db/migrations/env.py",
        "tracker/locale/fr/LC_MESSAGES/tracker.mo",
    ):
        assert expected in names


def test_an_installed_package_runs_init_db_from_another_folder(wheel, tmp_path):
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    [packages] = (target / "lib").glob("python3*/site-packages")
    # The dependencies come from this environment (no network); the tracker itself only
    # from the wheel: this environment's editable hook is a .pth file, not read from here.
    (packages / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(packages), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRACKER_DATA_DIR", "PYTHONPATH")}
    where = subprocess.run(
        [str(python), "-c", "import tracker; print(tracker.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(packages) in where.stdout and str(PROJECT_ROOT) not in where.stdout
    script = "import sys; from tracker.cli import main; sys.exit(main(sys.argv[1:]))"
    result = subprocess.run(
        [str(python), "-c", script, "init-db"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert (elsewhere / "data" / "tracker.db").is_file()
    check = subprocess.run(
        [str(python), "-c", script, "check"], cwd=elsewhere, env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr + check.stdout
    assert "forums" in check.stdout
