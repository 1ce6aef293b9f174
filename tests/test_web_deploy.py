"""The web service in docker-compose.yml and its systemd unit: real commands, a health check on
/api/health, published on loopback only."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

from test_compose import cli_accepts, environment, load_compose, variables_config_reads

REPO = Path(__file__).resolve().parents[1]
WEB_UNIT = REPO / "deploy" / "monitor-web.service"


def test_the_web_service_serves_the_same_database_and_checks_api_health():
    services = load_compose()["services"]
    web = services["web"]
    assert web["image"] == services["monitor"]["image"]
    assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
    web_env, monitor_env = environment(web), environment(services["monitor"])
    assert web_env["MONITOR_DATABASE_URL"] == monitor_env["MONITOR_DATABASE_URL"]
    assert {n for n in web_env if n.startswith("MONITOR_")} <= variables_config_reads()
    assert web["entrypoint"][:2] == ["/bin/sh", "-c"]
    argv = shlex.split(web["entrypoint"][2])
    assert argv[0] == "exec"
    cli_accepts(argv[1:])
    assert argv[1:3] == ["monitor", "serve"]
    assert web["ports"] == ["127.0.0.1:8080:8080"]
    assert "--port" in argv and argv[argv.index("--port") + 1] == "8080"
    test = web["healthcheck"]["test"]
    assert test[0] == "CMD" and "http://127.0.0.1:8080/api/health" in test[-1]


def test_the_systemd_sibling_runs_monitor_serve_as_the_monitor_user():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string(WEB_UNIT.read_text(encoding="utf-8"))
    service = unit["Service"]
    assert service["User"] == "monitor" and service["WorkingDirectory"] == "/var/lib/monitor"
    argv = shlex.split(service["ExecStart"])
    assert Path(argv[0]).name == "monitor" and argv[1:] == ["serve"]
    cli_accepts(["monitor", *argv[1:]])
    assert "monitor.service" in unit["Unit"]["After"]
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"):
        assert hardening in service, hardening
