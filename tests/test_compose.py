"""The shipping files agree with the code: docker-compose.yml, the Dockerfile, deploy/.

No Docker engine is needed: the compose file is validated against the Compose Specification's
JSON Schema (the copy vendored in the check-jsonschema package, so no network at test time), and
its services, ports and variables are checked against what `monitor.config` reads.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest
from ruamel.yaml import YAML
from smtp_server import SmtpTestServer, smtp_server_fixture
from sqlalchemy.engine import make_url

import monitor.config as config_module
from monitor.cli import cli
from monitor.config import SMTP_ENV, SmtpConfig, load_settings

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
    name, _, tag = services["mailpit"]["image"].partition(":")
    assert name == "axllent/mailpit"
    assert re.fullmatch(r"v\d+\.\d+\.\d+", tag), "a pinned release, not latest"
    assert services["monitor"]["build"] in (".", {"context": "."})


def test_every_monitor_variable_set_on_the_monitor_service_is_one_the_config_reads() -> None:
    env = environment(load_compose()["services"]["monitor"])
    set_names = {name for name in env if name.startswith("MONITOR_")}
    assert set_names, "the monitor service is configured by environment"
    assert set_names <= variables_config_reads(), set_names - variables_config_reads()
    assert {"MONITOR_DATABASE_URL", "MONITOR_DATABASE_PASSWORD"} <= set_names
    assert set(SMTP_ENV.values()) <= set_names, "every [smtp] key is set for the container"


def test_config_reads_the_variables_this_test_looks_for() -> None:
    """Guard the grep: if config.py stops naming a variable, the test above must notice."""
    assert {
        "MONITOR_CONFIG",
        "MONITOR_DATABASE_URL",
        "MONITOR_DATABASE_PASSWORD",
        "MONITOR_SMTP_HOST",
        "MONITOR_SMTP_PORT",
        "MONITOR_SMTP_STARTTLS",
        "MONITOR_SMTP_SSL",
        "MONITOR_SMTP_USERNAME",
        "MONITOR_SMTP_FROM",
        "MONITOR_SMTP_TIMEOUT",
        "MONITOR_MAIL_TO",
        "MONITOR_SMTP_PASSWORD",
    } <= variables_config_reads()


def settings_in(env: Mapping[str, str], monkeypatch: pytest.MonkeyPatch, cwd: Path):
    """load_settings() with exactly these MONITOR_* variables (and no ./monitor.toml)."""
    for name in variables_config_reads() | {"MONITOR_DATABASE_PASSWORD"}:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(cwd)
    return load_settings()


HARD_PASSWORDS = ["s3cret", "p@ss/word", "a:b@c/d?e#f%g h", "pass@postgres:5432/other"]


@pytest.mark.parametrize("password", [None, *HARD_PASSWORDS])
def test_the_database_url_names_the_postgres_service_its_user_password_and_database(
    password: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Whatever POSTGRES_PASSWORD is, the monitor ends up with the URL of the postgres
    service, its user, its database and exactly that password."""
    env = {} if password is None else {"POSTGRES_PASSWORD": password}
    compose = interpolate(load_compose(), env)
    services = compose["services"]
    pg_env = environment(services["postgres"])
    monitor_env = environment(services["monitor"])
    assert make_url(monitor_env["MONITOR_DATABASE_URL"]).password is None, "not in the URL"

    url = make_url(settings_in(monitor_env, monkeypatch, tmp_path).database_url)

    assert url.drivername in ("postgresql", "postgresql+psycopg")
    assert url.host == "postgres" and url.host in services
    assert (url.port or 5432) == 5432
    assert 5432 in container_ports(services["postgres"]) or not services["postgres"].get("expose")
    assert url.database == pg_env.get("POSTGRES_DB", pg_env.get("POSTGRES_USER", "postgres"))
    assert url.username == pg_env.get("POSTGRES_USER", "postgres")
    assert url.password == pg_env["POSTGRES_PASSWORD"] == (password or "monitor")


def test_a_password_spelled_into_the_url_by_hand_would_break_it() -> None:
    """Why the password is kept apart: interpolated into the URL, '@' and '/' move the host."""
    url = make_url("postgresql://monitor:pass@postgres:5432/other@postgres:5432/monitor")
    assert (url.host, url.database) != ("postgres", "monitor")


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
    services = interpolate(load_compose(), {})["services"]
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

    settings = settings_in(env, monkeypatch, tmp_path)

    assert settings.smtp is not None
    smtp = settings.smtp
    assert (smtp.host, smtp.port, smtp.starttls, smtp.ssl) == ("mailpit", 1025, False, False)
    assert smtp.username is None, "Mailpit: no login"
    assert make_url(settings.database_url).password == "monitor"
    assert settings.config_path is None
    assert settings.subscriptions[0]["to"] == [env["MONITOR_MAIL_TO"]]


def test_with_the_example_config_the_environment_still_decides_every_smtp_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A real provider's [smtp] in the file (STARTTLS, a login): under compose, the monitor
    still talks plain SMTP to Mailpit. This is what kept every message pending before."""
    config = tmp_path / "monitor.toml"
    config.write_text(provider_smtp(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    env = environment(interpolate(load_compose(), {})["services"]["monitor"])
    env["MONITOR_CONFIG"] = str(config)

    settings = settings_in(env, monkeypatch, tmp_path)

    assert settings.config_path == config
    assert settings.smtp is not None
    smtp = settings.smtp
    assert (smtp.host, smtp.port, smtp.starttls, smtp.ssl) == ("mailpit", 1025, False, False)
    assert smtp.username is None
    assert smtp.sender == "News monitor <monitor@example.org>", "FROM unset: the file's"


def provider_smtp(example: str) -> str:
    """The example's [smtp] turned into a mail provider's: port 587, STARTTLS, a login."""
    text, n = re.subn(r"^port = 25$", "port = 587", example, flags=re.M)
    assert n == 1
    text, n = re.subn(r"^starttls = false", "starttls = true", text, flags=re.M)
    assert n == 1
    text, n = re.subn(r"^# username = ", "username = ", text, flags=re.M)
    assert n == 1
    return text


_CONFIG_LINE = re.compile(
    r"^(?P<indent>\s*)# (?P<rest>MONITOR_CONFIG:.*|volumes:|  - \./monitor\.toml:.*)$"
)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def compose_with_config_lines_uncommented() -> tuple[dict[str, Any], int, int]:
    """docker-compose.yml as a user leaves it after following its own comment: the
    MONITOR_CONFIG lines uncommented. Also: how many lines the comment says, how many there are."""
    text = COMPOSE.read_text(encoding="utf-8")
    said = re.search(r"uncomment the (\w+) MONITOR_CONFIG lines", text.replace("\n# ", " "))
    assert said, "the comment says how to use a config file"
    lines, found = [], 0
    for line in text.splitlines():
        m = _CONFIG_LINE.match(line)
        if m:
            found += 1
            line = m.group("indent") + m.group("rest")
        lines.append(line)
    compose = YAML(typ="safe", pure=True).load("\n".join(lines))
    return compose, _NUMBERS[said.group(1)], found


def test_the_comment_counts_the_config_lines_and_uncommented_they_are_valid_compose() -> None:
    compose, said, found = compose_with_config_lines_uncommented()
    assert said == found == 6  # three for the daemon, three for the web service
    schema = compose_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert not list(validator.iter_errors(compose))
    for name in ("monitor", "web"):
        service = compose["services"][name]
        [mount] = service["volumes"]
        source, target, mode = mount.split(":")
        assert (source, mode) == ("./monitor.toml", "ro")
        assert environment(service)["MONITOR_CONFIG"] == target


# ---- the compose setup path, as far as this machine allows --------------------------


@pytest.fixture
def smtp() -> Iterator[SmtpTestServer]:
    yield from smtp_server_fixture()


def container_env(
    tmp_path: Path, smtp: SmtpTestServer, database_url: str, password: str
) -> dict[str, str]:
    """The monitor container's environment after `docker compose up`, with the config lines
    uncommented and the example copied to ./monitor.toml; only what Docker provides is
    stood in for: the service names (mailpit, postgres) resolve to loopback servers here,
    and the mounted file is the copy's real path."""
    compose, _, _ = compose_with_config_lines_uncommented()
    compose = interpolate(compose, {"POSTGRES_PASSWORD": password})
    env = environment(compose["services"]["monitor"])
    [mount] = compose["services"]["monitor"]["volumes"]
    source, target, _ = mount.split(":")
    assert env["MONITOR_CONFIG"] == target
    env["MONITOR_CONFIG"] = str(tmp_path / source)
    assert (env["MONITOR_SMTP_HOST"], env["MONITOR_SMTP_PORT"]) == ("mailpit", "1025")
    env["MONITOR_SMTP_HOST"], env["MONITOR_SMTP_PORT"] = smtp.host, str(smtp.port)
    url = make_url(env["MONITOR_DATABASE_URL"])
    assert (url.host, url.password) == ("postgres", None)
    given = make_url(database_url)
    if given.get_backend_name() == "postgresql":  # the test server: its host, user, database
        url = url.set(
            host=given.host, port=given.port, username=given.username, database=given.database
        )
        env["MONITOR_DATABASE_URL"] = url.render_as_string(hide_password=False)
    else:
        env["MONITOR_DATABASE_URL"] = database_url
    base = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    return {**base, **env}


def run_monitor(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_compose_setup_with_the_example_config_delivers_to_plain_smtp(
    tmp_path: Path, smtp: SmtpTestServer, db_url: str
) -> None:
    """docker compose's monitor environment plus the example config (even with a provider's
    STARTTLS and login in it) against an aiosmtpd server without TLS, as Mailpit is: init,
    doctor, a change, one delivery pass; the mail arrives. On PostgreSQL with a password full
    of URL syntax (the test server trusts loopback, so a wrongly quoted URL shows as a wrong
    host or database, not as a refused password)."""
    (tmp_path / "monitor.toml").write_text(
        provider_smtp(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8"
    )
    env = container_env(tmp_path, smtp, db_url, "p@ss/w:rd#1?")
    work = tmp_path / "data"
    work.mkdir()

    for args in (["init"], ["doctor", "--quick"]):
        proc = run_monitor(env, work, *args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_monitor(
        env, work, "correct", "z4", "--status", "discontinued", "--reason", "last car built"
    )
    assert proc.returncode == 0, proc.stderr
    sent = run_monitor(env, work, "notify", "--once")
    assert sent.returncode == 0, sent.stderr
    assert "sent 2" in sent.stdout, sent.stdout + sent.stderr  # one message per recipient

    got = smtp.wait_for(2)
    assert sorted(r for m in got for r in m.rcpt_tos) == [
        "chief@example.org",
        "editors@example.org",
    ]
    assert all(m.message["From"] == "News monitor <monitor@example.org>" for m in got)
    rows = json.loads(run_monitor(env, work, "outbox", "--json").stdout)
    assert [r["state"] for r in rows] == ["delivered", "delivered"]


def test_without_the_smtp_overrides_the_same_setup_stays_pending(
    tmp_path: Path, smtp: SmtpTestServer, sqlite_url: str
) -> None:
    """The control: the file's STARTTLS left in force against a server without TLS is the
    failure the overrides prevent (the message waits, and says why)."""
    (tmp_path / "monitor.toml").write_text(
        re.sub(
            r"^starttls = false",
            "starttls = true",
            EXAMPLE.read_text(encoding="utf-8"),
            count=1,
            flags=re.M,
        ),
        encoding="utf-8",
    )
    env = container_env(tmp_path, smtp, sqlite_url, "monitor")
    del env["MONITOR_SMTP_STARTTLS"]
    work = tmp_path / "data"
    work.mkdir()
    assert run_monitor(env, work, "init").returncode == 0
    run_monitor(env, work, "correct", "z4", "--status", "discontinued", "--reason", "r")
    run_monitor(env, work, "notify", "--once")
    rows = json.loads(run_monitor(env, work, "outbox", "--json").stdout)
    assert [r["state"] for r in rows] == ["pending", "pending"]  # one row per recipient
    # the server's own failure ends the pass: the first row says why, the other waits its turn
    assert any("STARTTLS" in (r["last_error"] or "") for r in rows)
    assert smtp.received == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MONITOR_SMTP_PORT", "smtp", "is not a port number"),
        ("MONITOR_SMTP_PORT", "70000", "is not a port number"),
        ("MONITOR_SMTP_STARTTLS", "maybe", "is not true or false"),
        ("MONITOR_SMTP_SSL", "2", "is not true or false"),
        ("MONITOR_SMTP_TIMEOUT", "-1", "is not a positive number of seconds"),
    ],
)
def test_a_bad_smtp_variable_is_named(
    name: str, value: str, message: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from monitor.errors import ConfigError

    with pytest.raises(ConfigError, match=f"^{name}: .*{message}"):
        settings_in({"MONITOR_SMTP_HOST": "mail.example.org", name: value}, monkeypatch, tmp_path)


def test_smtp_variables_are_read_as_typed_values(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = settings_in(
        {
            "MONITOR_SMTP_HOST": "mail.example.org",
            "MONITOR_SMTP_PORT": "465",
            "MONITOR_SMTP_STARTTLS": "no",
            "MONITOR_SMTP_SSL": "TRUE",
            "MONITOR_SMTP_USERNAME": "robot",
            "MONITOR_SMTP_FROM": "Robot <robot@example.org>",
            "MONITOR_SMTP_TIMEOUT": "7.5",
        },
        monkeypatch,
        tmp_path,
    )
    assert settings.smtp == SmtpConfig(
        host="mail.example.org",
        port=465,
        starttls=False,
        ssl=True,
        username="robot",
        sender="Robot <robot@example.org>",
        timeout=7.5,
    )


def test_a_database_password_leaves_a_sqlite_url_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    settings = settings_in(
        {"MONITOR_DATABASE_URL": url, "MONITOR_DATABASE_PASSWORD": "x@y"}, monkeypatch, tmp_path
    )
    assert settings.database_url == url


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
