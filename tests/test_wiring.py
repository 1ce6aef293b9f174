"""Leftovers of the review: one composition root, no swallowed imports, no crash hooks or
unused dependencies in production code."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from monitor.app import bootstrap, fetch_policy
from monitor.config import load_settings
from monitor.services.poll import Poller

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "monitor").rglob("*.py"))
# distribution name -> import name, where they differ
IMPORT_NAMES = {"apscheduler": "apscheduler", "jinja2": "jinja2"}
# used through another library: the text that shows the use
INDIRECT = {
    "psycopg[binary]": "postgresql+psycopg",
    "httptools": 'http="httptools"',  # uvicorn's HTTP parser, chosen by name
    "uvloop": '"uvloop"',  # uvicorn's event loop, chosen by name
    "python-multipart": "request.form()",  # Starlette parses forms with it
}


def _imports() -> set[str]:
    names: set[str] = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_every_declared_dependency_is_used() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    used = _imports()
    text = "".join(p.read_text(encoding="utf-8") for p in SOURCES)
    for dep in deps:
        name = re.split(r"[<>=!~ ;]", dep, maxsplit=1)[0].lower()
        if name in INDIRECT:
            assert INDIRECT[name] in text, dep
            continue
        module = IMPORT_NAMES.get(name, name.replace("-", "_"))
        assert module in used, f"{dep} is declared but monitor never imports {module}"


def test_no_import_error_is_swallowed() -> None:
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = ast.unparse(node.type)
                assert "ImportError" not in caught, f"{path}:{node.lineno} swallows {caught}"


def test_production_code_has_no_crash_hook() -> None:
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        assert "os._exit" not in text and "CRASH_AFTER_SEND" not in text, path


def test_bootstrap_wires_every_collaborator(sqlite_url: str) -> None:
    settings = load_settings(None, sqlite_url)
    app = bootstrap(settings)
    try:
        assert [p.name for p in app.projectors] == ["claims", "feeds", "unsubscribed", "outbox"]
        assert app.detectors is app.detectors  # one cache per app
        assert app.transport() is app.transport()
        poller = Poller(app, parse_processes=0)
        try:
            assert poller.detectors is app.detectors
            assert poller.fetcher.policy == fetch_policy(settings)
        finally:
            poller.close()
    finally:
        app.close()
