"""Without a browser the browser tests skip locally but fail under CI=true."""

import pytest

from tests.dashboard.conftest import _skip_or_fail


def test_missing_browser_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _skip_or_fail("/usr/bin/chromium not found")


def test_missing_browser_skips_elsewhere(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium not found"):
        _skip_or_fail("/usr/bin/chromium not found")
