"""`[web]` settings: validated with the rest of the config, checked by `monitor doctor`, and a
token too short to be safe stops `monitor serve` with a clear error."""

from __future__ import annotations

import json

import httpx
from web_support import monitor, serving


def test_web_section_is_validated(tmp_path):
    (tmp_path / "monitor.toml").write_text("[web]\nport = 70000\n")
    done = monitor(tmp_path, "--config", "monitor.toml", "serve")
    assert done.returncode == 2
    assert "monitor.toml: web.port: 70000 is greater than the maximum of 65535" in done.stderr


def test_doctor_checks_the_web_settings(tmp_path):
    db = f"sqlite:///{tmp_path / 'm.db'}"
    assert monitor(tmp_path, "--db", db, "init").returncode == 0
    (tmp_path / "monitor.toml").write_text(
        '[web]\nhost = "0.0.0.0"\nport = 8181\ntoken = "0123456789abcdef-in-the-file"\n'
    )
    done = monitor(tmp_path, "--config", "monitor.toml", "--db", db, "doctor", "--quick", "--json")
    web = {c["name"]: c for c in json.loads(done.stdout)["checks"]}["web"]
    assert web["status"] == "warn" and "the token is in the config file" in web["summary"]

    (tmp_path / "monitor.toml").write_text('[web]\nhost = "0.0.0.0"\n')
    env_token = {"MONITOR_WEB_TOKEN": "0123456789abcdef-from-env"}
    import os

    env = {**os.environ, "MONITOR_DATABASE_URL": "", "MONITOR_CONFIG": "", **env_token}
    done = monitor(
        tmp_path, "--config", "monitor.toml", "--db", db, "doctor", "--quick", "--json", env=env
    )
    web = {c["name"]: c for c in json.loads(done.stdout)["checks"]}["web"]
    assert web["status"] == "warn" and "without TLS" in web["summary"]

    done = monitor(tmp_path, "--db", db, "doctor", "--quick", "--json")
    web = {c["name"]: c for c in json.loads(done.stdout)["checks"]}["web"]
    assert web["status"] == "ok" and "read-only" in web["summary"]


def test_serve_refuses_a_short_token(tmp_path):
    import os

    env = {**os.environ, "MONITOR_DATABASE_URL": "", "MONITOR_CONFIG": "", "MONITOR_WEB_TOKEN": "x"}
    done = monitor(tmp_path, "--db", f"sqlite:///{tmp_path / 'm.db'}", "serve", env=env)
    assert done.returncode == 2
    assert "MONITOR_WEB_TOKEN: the web token must be at least 16 characters" in done.stderr


def test_serve_works_with_no_configuration_on_the_embedded_database(tmp_path):
    """A first-time user: no config, no database; `monitor serve` creates and shows them."""
    with serving(tmp_path, None, token=None) as base:
        assert base.startswith("http://127.0.0.1:")
        claims = httpx.get(base + "/api/claims").json()
        assert claims["count"] == 17
        assert httpx.get(base + "/api/health").json()["read_only"] is True
    assert (tmp_path / "monitor.db").is_file()


def test_serve_refuses_a_base_url_that_is_not_http(tmp_path):
    done = monitor(
        tmp_path, "--db", f"sqlite:///{tmp_path / 'm.db'}", "serve", "--base-url", "ftp:x"
    )
    assert done.returncode == 2
    assert "Invalid value for --base-url: 'ftp:x' is not an http(s) URL" in done.stderr
