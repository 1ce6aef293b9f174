"""The shipping files agree with the code: docker-compose.yml, the Dockerfile, deploy/.

No Docker engine is needed: the compose file is validated against the Compose Specification's
JSON Schema (the copy vendored in the check-jsonschema package, so no network at test time), and
its services, ports and variables are checked against what `monitor.config` reads.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest
from ruamel.yaml import YAML
from sqlalchemy.engine import make_url

import monitor.config as config_module
from monitor.cli import cli
from monitor.config import SmtpConfig, load_settings

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
UNIT = REPO / "deploy" / "monitor.service"
EXAMPLE = REPO / "deploy" / "monitor.toml.example"


# ---- helpers ---------------------------------------------------------------------------


def compose_schema() -> dict[str, Any]:
    text = (
        resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    ).read_text(encoding="utf-8")
    return json.loads(text)


def load_compose() -> dict[str, Any]:
    return YAML(typ="safe", pure=True).load(COMPOSE.read_text(encoding="utf-8"))


_VAR = re.compile(r"\$(?:\$|\{(?P<braced>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """Compose's variable interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        if m.group("plain"):
            return env.get(m.group("plain"), "")
        expr = m.group("braced")
        for op in (":-", "-"):
            if op in expr:
                name, default = expr.split(op, 1)
                if op == ":-":
                    return env.get(name) or default
                return env.get(name, default)
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", expr), f"unsupported ${{{expr}}}"
        return env.get(expr, "")

    return _VAR.sub(sub, value)


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's environment as a dict (compose allows a mapping or a list of K=V)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): str(v) for k, v in env.items()}


def container_ports(service: Mapping[str, Any]) -> set[int]:
    """The ports a service listens on for the others: `expose`, and the targets of `ports`."""
    found = {int(str(p).split("/")[0]) for p in service.get("expose", ())}
    for p in service.get("ports", ()):
        if isinstance(p, dict):
            found.add(int(p["target"]))
        else:
            found.add(int(str(p).split("/")[0].rsplit(":", 1)[-1]))
    return found


def published_ports(service: Mapping[str, Any]) -> set[int]:
    return {
        int(p["published"]) if isinstance(p, dict) else int(str(p).split(":")[-2])
        for p in service.get("ports", ())
        if isinstance(p, dict) or str(p).count(":") >= 1
    }


def variables_config_reads() -> set[str]:
    """Every MONITOR_* name monitor/config.py reads from the environment."""
    source = Path(config_module.__file__).read_text(encoding="utf-8")
    names = set(re.findall(r"\"(MONITOR_[A-Z_]+)\"", source))
    names.add(SmtpConfig.password_env)
    return names


def cli_accepts(argv: list[str]) -> None:
    """Parse a `monitor CMD ...` line with the real CLI (unknown commands or options fail)."""
    assert argv[0] == "monitor", argv
    ctx = click.Context(cli, info_name="monitor")
    command = cli.get_command(ctx, argv[1])
    assert command is not None, f"no command {argv[1]!r}"
    command.make_context(argv[1], list(argv[2:]), parent=ctx).close()


def shell_commands(script: str) -> list[list[str]]:
    """The simple commands of an `a && exec b` shell line, `exec` dropped."""
    commands = []
    for part in script.split("&&"):
        words = shlex.split(part)
        if words and words[0] == "exec":
            words = words[1:]
        commands.append(words)
    return commands


def monitor_service_script(monitor: Mapping[str, Any]) -> str:
    entrypoint = monitor["entrypoint"]
    assert entrypoint[:2] == ["/bin/sh", "-c"], entrypoint
    return entrypoint[2] if len(entrypoint) > 2 else " ".join(monitor["command"])


# ---- docker-compose.yml ----------------------------------------------------------------


def test_the_compose_spec_schema_is_the_real_one() -> None:
    schema = compose_schema()
    assert schema["$id"] == "compose_spec.json"
    assert {"services", "volumes", "networks"} <= set(schema["properties"])


@pytest.mark.parametrize("env", [{}, {"POSTGRES_PASSWORD": "s3cret", "MONITOR_MAIL_TO": "a@b.c"}])
def test_docker_compose_yml_is_valid_against_the_compose_specification(env: dict) -> None:
    schema = compose_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    for document in (load_compose(), interpolate(load_compose(), env)):
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_a_compose_spec_violation_is_caught() -> None:
    """The schema really bites (so the test above is not vacuous)."""
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    broken = load_compose()
    broken["services"]["monitor"]["depends_on"]["postgres"]["condition"] = "service_ready"
    broken["services"]["mailpit"]["restrt"] = "always"
    assert len(list(validator.iter_errors(broken))) >= 2


def test_the_services_are_postgres_mailpit_and_the_monitor() -> None:
    services = load_compose()["services"]
    assert set(services) == {"postgres", "mailpit", "monitor", "web"}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["mailpit"]["image"].split(":")[0] == "axllent/mailpit"
    assert services["monitor"]["build"] in (".", {"context": "."})


def test_every_monitor_variable_set_on_the_monitor_service_is_one_the_config_reads() -> None:
    env = environment(load_compose()["services"]["monitor"])
    set_names = {name for name in env if name.startswith("MONITOR_")}
    assert set_names, "the monitor service is configured by environment"
    assert set_names <= variables_config_reads(), set_names - variables_config_reads()
    assert {"MONITOR_DATABASE_URL", "MONITOR_SMTP_HOST", "MONITOR_SMTP_PORT"} <= set_names


def test_config_reads_the_variables_this_test_looks_for() -> None:
    """Guard the grep: if config.py stops naming a variable, the test above must notice."""
    assert {
        "MONITOR_CONFIG",
        "MONITOR_DATABASE_URL",
        "MONITOR_SMTP_HOST",
        "MONITOR_SMTP_PORT",
        "MONITOR_MAIL_TO",
        "MONITOR_SMTP_PASSWORD",
    } <= variables_config_reads()


@pytest.mark.parametrize("env", [{}, {"POSTGRES_PASSWORD": "s3cret"}])
def test_the_database_url_names_the_postgres_service_its_user_password_and_database(
    env: dict,
) -> None:
    compose = interpolate(load_compose(), env)
    services = compose["services"]
    pg_env = environment(services["postgres"])
    url = make_url(environment(services["monitor"])["MONITOR_DATABASE_URL"])

    assert url.drivername in ("postgresql", "postgresql+psycopg")
    assert url.host == "postgres" and url.host in services
    assert (url.port or 5432) == 5432
    assert 5432 in container_ports(services["postgres"]) or not services["postgres"].get("expose")
    assert url.database == pg_env.get("POSTGRES_DB", pg_env.get("POSTGRES_USER", "postgres"))
    assert url.username == pg_env.get("POSTGRES_USER", "postgres")
    assert url.password == pg_env["POSTGRES_PASSWORD"] == env.get("POSTGRES_PASSWORD", "monitor")


def test_the_postgres_service_keeps_its_data_and_reports_health() -> None:
    compose = load_compose()
    pg = compose["services"]["postgres"]
    volume = next(v for v in pg["volumes"] if str(v).endswith(":/var/lib/postgresql/data"))
    assert volume.split(":")[0] in compose["volumes"], "a named volume, declared at the top"
    test = pg["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))
    user = environment(pg)["POSTGRES_USER"]
    assert f"-U {user}" in " ".join(test)


def test_the_smtp_host_and_port_are_the_mailpit_service_and_its_smtp_port() -> None:
    services = load_compose()["services"]
    env = environment(services["monitor"])
    host, port = env["MONITOR_SMTP_HOST"], int(env["MONITOR_SMTP_PORT"])
    assert host == "mailpit" and host in services
    assert port == 1025
    assert port in container_ports(services["mailpit"])
    assert 8025 in published_ports(services["mailpit"]), "the web UI is reachable from the host"


def test_the_monitor_waits_for_a_healthy_postgres_and_for_mailpit() -> None:
    depends = load_compose()["services"]["monitor"]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert "mailpit" in depends


def test_the_monitor_service_runs_init_then_run_and_both_are_real_commands() -> None:
    script = monitor_service_script(load_compose()["services"]["monitor"])
    commands = shell_commands(script)
    assert commands == [["monitor", "init"], ["monitor", "run"]]
    for argv in commands:
        cli_accepts(argv)
    assert "exec monitor run" in script, "run replaces the shell, so SIGTERM reaches it"


def test_load_settings_with_the_monitor_service_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = environment(interpolate(load_compose(), {})["services"]["monitor"])
    # Nothing connects here; the host is swapped anyway so nothing could reach a real server.
    dummy = make_url(env["MONITOR_DATABASE_URL"]).set(host="db.invalid")
    env["MONITOR_DATABASE_URL"] = dummy.render_as_string(hide_password=False)
    for name in variables_config_reads():
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no ./monitor.toml here

    settings = load_settings()

    assert settings.smtp is not None
    assert (settings.smtp.host, settings.smtp.port) == ("mailpit", 1025)
    assert settings.database_url == env["MONITOR_DATABASE_URL"]
    assert settings.config_path is None
    assert settings.subscriptions[0]["to"] == [env["MONITOR_MAIL_TO"]]


# ---- Dockerfile ------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def exec_form(value: str) -> list[str]:
    parsed = json.loads(value)
    assert isinstance(parsed, list), value
    return parsed


def test_the_dockerfile_runs_monitor_run_as_a_non_root_user_in_data() -> None:
    ins = dockerfile_instructions()
    froms = [rest for word, rest in ins if word == "FROM"]
    assert all(f.split()[0] == "python:3.11-slim" for f in froms)
    final = ins[max(i for i, (word, _) in enumerate(ins) if word == "FROM") :]
    users = [rest for word, rest in final if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert [rest for word, rest in final if word == "WORKDIR"][-1] == "/data"
    assert exec_form(dict(final)["ENTRYPOINT"]) == ["monitor"]
    assert exec_form(dict(final)["CMD"]) == ["run"]
    run = [rest for word, rest in ins if word == "RUN"]
    assert any("pip wheel" in r and r.rstrip().endswith(".") for r in run)
    assert any(word == "RUN" and "pip install" in rest for word, rest in final)


def test_the_dockerfile_health_check_is_monitor_doctor_quick() -> None:
    health = dict(dockerfile_instructions())["HEALTHCHECK"]
    argv = exec_form(health[health.index("CMD") + 3 :].strip())
    assert argv[:3] == ["monitor", "doctor", "--quick"]
    cli_accepts(argv)


def test_the_build_context_holds_everything_the_wheel_is_made_of() -> None:
    """.dockerignore lets in, and the Dockerfile copies, every path the wheel build reads."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    needed = {"pyproject.toml", project["project"]["readme"], *wheel["packages"]}
    needed |= set(wheel.get("force-include", {}))
    allowed = {
        line[1:].rstrip("/")
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    copied = {
        part.rstrip("/")
        for word, rest in dockerfile_instructions()
        if word == "COPY" and "--from" not in rest
        for part in rest.split()[:-1]
    }
    assert needed <= allowed, needed - allowed
    assert needed <= copied, needed - copied


# ---- deploy/ ---------------------------------------------------------------------------


def unit_file() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser


def test_the_systemd_unit_runs_init_then_run_as_the_monitor_user() -> None:
    unit = unit_file()
    service = unit["Service"]
    assert service["Type"] == "simple"
    assert service["User"] == "monitor"
    assert service["WorkingDirectory"] == "/var/lib/monitor"
    # configparser keeps only the last of repeated keys: look at the text for this one
    text = UNIT.read_text(encoding="utf-8")
    assert "\nEnvironment=MONITOR_CONFIG=/etc/monitor/monitor.toml\n" in text
    for key, words in (("ExecStartPre", ["init"]), ("ExecStart", ["run"])):
        argv = shlex.split(service[key])
        assert Path(argv[0]).name == "monitor" and argv[1:] == words
        cli_accepts(["monitor", *argv[1:]])
    assert service["Restart"] == "on-failure"
    assert service["KillSignal"] == "SIGTERM"
    assert service["TimeoutStopSec"] == "60"
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"):
        assert hardening in service, hardening
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_example_config_is_valid_and_complete() -> None:
    from monitor.baseline import baseline_state
    from monitor.notify.subscriptions import parse_subscriptions
    from monitor.resources import shipped_baseline

    settings = load_settings(EXAMPLE)

    assert settings.config_path == EXAMPLE
    assert settings.feeds and not settings.feeds_from_defaults
    assert settings.smtp is not None and settings.smtp.host
    assert settings.threshold != 0.7, "the example shows the detector threshold"
    subs = parse_subscriptions(list(settings.subscriptions), baseline_state(shipped_baseline()))
    assert any(s.mode == "digest" for s in subs)
    # every top-level section the schema knows is shown
    schema = json.loads((REPO / "schemas" / "config.schema.json").read_text(encoding="utf-8"))
    import tomllib

    raw = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert set(raw) == set(schema["properties"])


def test_the_example_config_fails_loudly_when_broken(tmp_path: Path) -> None:
    """What a typo in a copy of the example looks like (the file and key are named)."""
    from monitor.errors import ConfigError

    broken = tmp_path / "monitor.toml"
    broken.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("threshold = 0.75", "treshold = 0.75"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="treshold"):
        load_settings(broken)
