import re
from pathlib import Path

import pytest

from broadcaster.errors import ConfigError
from broadcaster.settings import SETTINGS, default_home, load_settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented_with_its_default():
    documented = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`"):
            documented[cells[0].strip("`")] = cells[1]
    missing = [s.name for s in SETTINGS if s.name not in documented]
    assert not missing, f"settings missing from docs/settings.md: {missing}"
    stale = sorted(set(documented) - {s.name for s in SETTINGS})
    assert not stale, f"docs/settings.md lists settings that do not exist: {stale}"
    for setting in SETTINGS:
        if setting.default not in ("", [], None):
            shown = str(setting.default).lower() if isinstance(setting.default, bool) else str(setting.default)
            assert shown.strip('[]"\'') in documented[setting.name].replace("`", "").replace('"', ""), setting.name


def test_defaults_without_file(tmp_path):
    settings = load_settings(tmp_path, environ={})
    assert settings["web.port"] == 8080
    assert settings.database_url == f"sqlite:///{tmp_path / 'station.db'}"


def test_file_then_environment_override(tmp_path):
    (tmp_path / "broadcaster.toml").write_text('station = "le-xa"\n[web]\nport = 9000\n', encoding="utf-8")
    settings = load_settings(tmp_path, environ={"BROADCASTER_WEB_PORT": "9100"})
    assert settings["station"] == "le-xa"
    assert settings["web.port"] == 9100


def test_home_from_environment_then_default(tmp_path, monkeypatch):
    monkeypatch.setenv("BROADCASTER_HOME", str(tmp_path / "h"))
    assert load_settings().home == (tmp_path / "h").resolve()
    monkeypatch.delenv("BROADCASTER_HOME")
    assert load_settings().home == default_home()
    assert default_home().name == "broadcaster"


@pytest.mark.parametrize("toml, key", [
    ("[web]\nport = \"abc\"\n", "web.port"),
    ("[web]\nport = 0\n", "web.port"),
    ("log_level = \"LOUD\"\n", "log_level"),
    ("[web]\nprot = 1\n", "web.prot"),
])
def test_invalid_file_names_the_key_in_one_line(tmp_path, toml, key):
    (tmp_path / "broadcaster.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path, environ={})
    message = str(caught.value)
    assert f"'{key}'" in message and "\n" not in message


def test_invalid_environment_value_names_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="BROADCASTER_WEB_PORT"):
        load_settings(tmp_path, environ={"BROADCASTER_WEB_PORT": "tám nghìn"})


def test_broken_toml_is_one_clear_error(tmp_path):
    (tmp_path / "broadcaster.toml").write_text("[web\nport=1", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("tệp TOML không hợp lệ")):
        load_settings(tmp_path, environ={})
