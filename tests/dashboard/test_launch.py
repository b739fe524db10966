"""``scenarios-dashboard``: which script it serves and where its settings come from.

The end-to-end check (an installed wheel serving from another folder, with the
theme applied) is in tests/test_install.py; these are the fast parts.
"""

from __future__ import annotations

import sys
import tomllib

import pytest
from streamlit import file_util
from streamlit.web import cli as streamlit_cli

from dashboard import launch


def test_the_config_sits_where_streamlit_reads_a_scripts_own_settings():
    expected = file_util.get_main_script_streamlit_file_path(
        str(launch.APP), "config.toml"
    )
    assert str(launch.CONFIG) == expected
    config = tomllib.loads(launch.CONFIG.read_text(encoding="utf-8"))
    assert config["theme"]["primaryColor"] == "#0f766e"
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False


def test_the_config_turns_off_the_full_collection_after_every_run():
    # A real Streamlit option (get_option raises on an unknown name), on by
    # default; the dashboard's heap makes that pass cost ~100 ms a rerun.
    from streamlit import config as streamlit_config

    assert isinstance(streamlit_config.get_option("runner.postScriptGC"), bool)
    config = tomllib.loads(launch.CONFIG.read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False


def test_options_go_to_streamlit_run_after_the_app(monkeypatch):
    seen = {}

    def fake_main(args, prog_name):
        seen.update(args=args, prog_name=prog_name, argv=list(sys.argv))
        raise SystemExit(0)

    monkeypatch.setattr(streamlit_cli, "main", fake_main)
    monkeypatch.setattr(sys, "argv", ["scenarios-dashboard"])
    status = launch.main(["--server.port", "8600", "--server.headless", "true"])
    assert status == 0
    expected = ["run", str(launch.APP), "--server.port", "8600"]
    assert seen["args"] == [*expected, "--server.headless", "true"]
    assert seen["argv"] == ["streamlit", *seen["args"]]
    assert seen["prog_name"] == "streamlit"


@pytest.mark.parametrize(("code", "status"), [(None, 0), (1, 1), ("bad flag", 1)])
def test_streamlit_exit_codes_become_the_commands_status(monkeypatch, code, status):
    def fake_main(args, prog_name):
        raise SystemExit(code)

    monkeypatch.setattr(streamlit_cli, "main", fake_main)
    monkeypatch.setattr(sys, "argv", ["scenarios-dashboard"])
    assert launch.main([]) == status
