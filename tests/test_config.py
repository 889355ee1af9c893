"""Settings are declared once (core/config.py): from_env, the defaults, SETTINGS and the README table agree."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from core import config
from core.config import SETTINGS, Settings, settings_markdown

ROOT = Path(__file__).resolve().parents[1]

# a value for every kind that differs from every default
SAMPLES = {int: ("7", 7), float: ("2.5", 2.5), str: ("custom-value", "custom-value"), Path: ("/tmp/ws", Path("/tmp/ws"))}


@pytest.fixture
def clean_env(monkeypatch):
    for s in SETTINGS:
        for var in (s.env, s.fallback_env):
            if var:
                monkeypatch.delenv(var, raising=False)
    return monkeypatch


def test_every_field_is_declared_once_with_its_own_variable():
    assert [s.name for s in SETTINGS] == [f.name for f in dataclasses.fields(Settings)]
    variables = [v for s in SETTINGS for v in (s.env, s.fallback_env) if v]
    assert len(variables) == len(set(variables)), "a variable sets two settings"
    assert all(re.fullmatch(r"(EXCELCHAT|OLLAMA)_[A-Z_]+", v) for v in variables), variables
    assert all(s.help and s.kind in (bool, *SAMPLES) for s in SETTINGS)
    assert dataclasses.is_dataclass(Settings) and Settings.__dataclass_params__.frozen


def test_defaults_equal_the_dataclass_defaults(clean_env):
    plain, from_env = Settings(), Settings.from_env()
    assert from_env == plain
    for s in SETTINGS:
        assert getattr(plain, s.name) == s.default, s.name
        assert isinstance(s.default, s.kind), s.name
    # the values other modules rely on
    assert plain.home == Path("workspace") and plain.max_upload_mb == 50.0 and plain.isolate_parsing is True
    assert plain.ollama_model == "llama3" and plain.planner == "auto" and plain.memory_turns == 10


def test_from_env_reads_every_declared_variable(clean_env):
    expected = {}
    for s in SETTINGS:
        if s.kind is bool:
            raw, value = ("0", False) if s.default else ("1", True)
        else:
            raw, value = SAMPLES[s.kind]
        clean_env.setenv(s.env, f"  {raw} ")
        expected[s.name] = value
    got = Settings.from_env()
    for name, value in expected.items():
        assert getattr(got, name) == value, name
        assert getattr(got, name) != getattr(Settings(), name), name  # the sample really changed it


@pytest.mark.parametrize("raw,value", [("0", False), ("false", False), ("No", False), ("OFF", False),
                                       ("1", True), ("yes", True), ("on", True), ("", True), ("  ", True)])
def test_flags(clean_env, raw, value):
    clean_env.setenv("EXCELCHAT_LLM", raw)
    assert Settings.from_env().llm_enabled is value


def test_model_falls_back_to_ollama_model(clean_env):
    clean_env.setenv("OLLAMA_MODEL", "mistral")
    assert Settings.from_env().ollama_model == "mistral"
    clean_env.setenv("EXCELCHAT_MODEL", "qwen2")
    assert Settings.from_env().ollama_model == "qwen2"
    clean_env.setenv("EXCELCHAT_MODEL", " ")  # blank counts as unset
    assert Settings.from_env().ollama_model == "mistral"


def test_overrides_keyword_construction_and_with_(clean_env, tmp_path):
    clean_env.setenv("EXCELCHAT_ISOLATE", "1")
    s = Settings.from_env(home=tmp_path, isolate_parsing=False)
    assert s.home == tmp_path and s.isolate_parsing is False
    assert Settings(home=tmp_path, isolate_parsing=False) == s
    t = s.with_(ollama_model="x")
    assert t.ollama_model == "x" and s.ollama_model == "llama3"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.home = Path("elsewhere")  # type: ignore[misc]
    with pytest.raises(TypeError):
        Settings.from_env(no_such_setting=1)


def test_readme_configuration_table_is_generated():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    table = "".join(line + "\n" for line in section.splitlines() if line.startswith("|"))
    assert table == settings_markdown()


def test_markdown_has_a_row_per_setting():
    rows = settings_markdown().splitlines()[2:]
    assert len(rows) == len(SETTINGS)
    for s, row in zip(SETTINGS, rows, strict=True):
        assert row.startswith(f"| `{s.env}`") and s.help in row
    assert "| `EXCELCHAT_MODEL` (or `OLLAMA_MODEL`) | `llama3` |" in settings_markdown()
    assert "| `EXCELCHAT_MAX_ROWS` | 2,000,000 |" in settings_markdown()
    assert "| `EXCELCHAT_ISOLATE` | 1 |" in settings_markdown()
    assert str(config._default_embed_model()) not in settings_markdown()  # no machine-specific path


def test_a_password_in_a_url_setting_is_never_shown():
    s = Settings(database_url="postgresql://app:s3cret@db:5432/excel?sslmode=require&password=other")
    (d,) = [d for d in SETTINGS if d.name == "database_url"]
    assert d.shown_value(s) == "postgresql://app:***@db:5432/excel?sslmode=require&password=***"
    assert d.shown_value(Settings()) == ""
