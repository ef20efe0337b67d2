"""The container: what can be proven without Docker (which cannot run on
this machine, so the image itself is not built here). The gunicorn config
loads and serves the portal, the Dockerfile's steps name files that exist
and its build step works, the image leaves out secrets and tests, and the
environment the stack gives the container passes the production checks."""

from __future__ import annotations

import ast
import fnmatch
import importlib.metadata
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.apps import apps
from gunicorn.app.base import Application

from deploy.aws.tests import code_calls
from deploy.aws.tests.stack_template import container, parameter_defaults, resolve
from tools import lock as locks

REPO = code_calls.REPO
HERE = REPO / "deploy" / "aws"
GUNICORN_CONFIG = HERE / "gunicorn.conf.py"
DOCKERFILE = HERE / "Dockerfile"
DOCKERIGNORE = HERE / "Dockerfile.dockerignore"
RUNTIME_REQUIREMENTS = REPO / "requirements-runtime.txt"


class _ConfigOnly(Application):
    """gunicorn's own loader, stopped before it would serve anything."""

    def init(self, parser, opts, args):
        return None

    def load_config(self):
        self.load_config_from_file(str(GUNICORN_CONFIG))

    def load(self):
        raise AssertionError("not serving")


# ------------------------------------------------------------------ gunicorn
def test_the_gunicorn_config_loads_and_takes_its_sizes_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "6")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.40.0.0/28,10.40.0.16/28")

    config = _ConfigOnly().cfg

    assert (config.workers, config.threads, config.worker_class_str) == (3, 6, "gthread")
    assert config.forwarded_allow_ips == ["10.40.0.0/28", "10.40.0.16/28"]
    assert config.bind == ["0.0.0.0:8000"]
    assert config.control_socket_disable is True
    assert config.keepalive > 60  # outlasts the load balancer's idle timeout


def test_gunicorn_writes_no_access_log_whose_paths_would_name_patients():
    config = _ConfigOnly().cfg

    # The portal's own JSON line per request names the route instead.
    assert config.accesslog is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status


@pytest.mark.django_db
def test_gunicorn_with_the_config_serves_the_portal_and_logs_no_query_string(aws, tmp_path):
    port = _free_port()
    environment = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "COGNITO_USER_POOL_ID": aws.user_pool_id,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG), "medisecure.wsgi:application"],
        cwd=REPO,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert _get(f"http://127.0.0.1:{port}/healthz") == 200
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert _get(f"http://127.0.0.1:{port}/?code=an-authorization-code&state=a-state") == 200
        # An address holding a secret: the log names its route instead.
        try:
            _get(f"http://127.0.0.1:{port}/signup/finish/a-finish-link-secret/")
        except urllib.error.HTTPError:
            pass
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=30)

    # The portal's own JSON line per request (gunicorn writes no access log).
    requests = [
        json.loads(line)
        for line in log.splitlines()
        if line.startswith("{") and '"medisecure.requests"' in line
    ]
    answered = {(line["route"], line["status"]) for line in requests}
    assert {("healthz", 200), ("landing", 200)} <= answered, log
    assert all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in requests), log
    assert "a-finish-link-secret" not in log
    assert "an-authorization-code" not in log and "a-state" not in log


# ------------------------------------------------------------------ Dockerfile
def _instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [tuple(line.split(None, 1)) for line in lines]


def test_the_dockerfile_builds_on_slim_python_311_and_runs_as_an_unprivileged_user():
    instructions = _instructions()
    user = [argument for name, argument in instructions if name == "USER"]

    assert instructions[:2] == [("ARG", "PYTHON_IMAGE"), ("FROM", "${PYTHON_IMAGE}")]
    assert user and user[-1].split(":")[0] not in ("root", "0")
    # Nothing runs as root after the switch.
    assert [name for name, _ in instructions].index("USER") > max(
        index for index, (name, _) in enumerate(instructions) if name == "RUN"
    )


def test_the_dockerfiles_steps_name_files_that_exist():
    instructions = _instructions()
    copied = [argument.split()[0] for name, argument in instructions if name == "COPY"]
    runs = " ".join(argument for name, argument in instructions if name == "RUN")
    (command,) = [argument for name, argument in instructions if name == "CMD"]
    command = eval(command)  # a JSON array of strings  # noqa: S307
    health = next(argument for name, argument in instructions if name == "HEALTHCHECK")

    for source in copied:
        assert (REPO / source).exists(), source
    assert "pip install --require-hashes --no-deps -r requirements-runtime.txt" in runs
    assert RUNTIME_REQUIREMENTS.exists()
    assert "sh deploy/aws/collectstatic.sh" in runs and (HERE / "collectstatic.sh").exists()
    assert command[:3] == ["gunicorn", "--config", "deploy/aws/gunicorn.conf.py"]
    module, attribute = command[3].split(":")
    assert (REPO / (module.replace(".", "/") + ".py")).exists() and attribute == "application"
    assert "/healthz" in health
    # The bundle the database's certificate is verified against (the
    # template's sslrootcert) is fetched by its checksum, before the switch
    # to the unprivileged user.
    assert (
        'python /tmp/fetch_rds_ca_bundle.py "$RDS_CA_BUNDLE_SHA256" /etc/ssl/certs/rds-global-bundle.pem'
        in runs
    )


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule for the patterns used here: a path is left out when it
    or one of the folders it is in matches; `**/` matches at any depth."""
    parts = path.split("/")
    candidates = ["/".join(parts[: depth + 1]) for depth in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!")
        for candidate in candidates:
            names = candidate.split("/")
            if pattern.startswith("**/"):
                match = any(fnmatch.fnmatch("/".join(names[i:]), pattern[3:]) for i in range(len(names)))
            else:
                match = fnmatch.fnmatch(candidate, pattern)
            if match:
                ignored = not negate
    return ignored


def _image_files() -> set[str]:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    listed = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    extra = [".env", ".local/stack.env", "db.sqlite3", "staticfiles/css/portal.css"]  # untracked but possible
    return {path for path in listed + extra if not _ignored(path, patterns)}


def test_the_image_gets_every_app_and_the_pages_but_no_secrets_tests_or_local_stack():
    files = _image_files()
    packages = {path.name for path in REPO.iterdir() if (path / "__init__.py").exists()}
    local_apps = [config for config in apps.get_app_configs() if config.name.split(".")[0] in packages]

    for config in local_apps:
        package = Path(config.path).relative_to(REPO).as_posix()
        assert f"{package}/__init__.py" in files, package
    assert {"manage.py", "templates/base.html", "static/css/portal.css", "requirements-runtime.txt"} <= files
    assert {"deploy/aws/gunicorn.conf.py", "deploy/aws/collectstatic.sh"} <= files
    assert not {".env", ".local/stack.env", "db.sqlite3", "conftest.py"} & files
    assert not [path for path in files if "/tests/" in path or path.startswith(("tests/", "deploy/local/"))]


def test_the_build_step_collects_the_static_files_with_a_manifest(tmp_path):
    environment = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_STATIC_ROOT": str(tmp_path),
    }

    result = subprocess.run(
        ["sh", str(HERE / "collectstatic.sh")], env=environment, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
    assert list((tmp_path / "css").glob("portal.*.css"))


# ------------------------------------------------------------------ requirements
def _normal(name: str) -> str:
    return locks.normal_name(name)


def _requirement_names(path: Path) -> dict[str, str]:
    return {name: version for name, (version, _) in locks.pins(path).items()}


def test_the_image_installs_pinned_runtime_requirements_that_cover_every_runtime_import():
    pins = _requirement_names(RUNTIME_REQUIREMENTS)
    distributions = importlib.metadata.packages_distributions()
    project = {path.name for path in REPO.iterdir() if (path / "__init__.py").exists()}
    imported = set()
    # The parsed imports, not lines that look like them (a docstring's
    # "from the hour before" is no import).
    for module in code_calls.runtime_modules():
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - project - {"__future__"}
    needed = {_normal(distributions[name][0]) for name in third_party}
    # A package imported directly but installed as a pinned requirement's own
    # requirement (botocore, with boto3) is pinned through it.
    brought = {
        _normal(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0])
        for pinned in pins
        for requirement in importlib.metadata.requires(pinned) or []
        if "extra ==" not in requirement
    }

    assert all(pins.values()), "every runtime requirement is pinned with =="
    assert needed <= set(pins) | brought, needed - set(pins) - brought
    assert {"gunicorn", "psycopg"} <= set(pins)
    # The tests' lock holds every runtime pin, at the same version.
    assert pins.items() <= _requirement_names(REPO / "requirements.txt").items()


# ------------------------------------------------------------------ production environment
def test_the_environment_the_stack_gives_the_container_passes_the_production_checks():
    deployed = {
        **parameter_defaults(),
        "DomainName": "portal.clinic.example",
        "SesSender": "no-reply@clinic.example",
        "EmergencyAccessNotify": "privacy@clinic.example",
        "CognitoDomainPrefix": "clinic-example",
        "AWS::Region": "us-east-1",
        "UserPool": "us-east-1_Example",
        "PortalAppClient": "exampleclientid",
        "DocumentsBucket": "medisecure-prod-documents-111122223333",
        "AuditArchiveBucket": "medisecure-prod-audit-archive-111122223333",
        "SesConfigurationSet": "medisecure-prod",
        "LogGroup": "/medisecure/prod/portal",
        "DataKey.Arn": "arn:aws:kms:us-east-1:111122223333:key/example",
        "Database.Endpoint.Address": "medisecure.abc.us-east-1.rds.amazonaws.com",
        "Database.Endpoint.Port": "5432",
    }
    environment = {
        entry["Name"]: str(resolve(entry["Value"], deployed)) for entry in container()["Environment"]
    }
    injected = {entry["Name"]: secrets.token_urlsafe(48) for entry in container()["Secrets"]}
    assert not [value for value in environment.values() if "<" in value], environment

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **environment, **injected},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert (
        environment["DATABASE_URL"].startswith("postgres://medisecure@")
        and "sslmode=verify-full&sslrootcert=/etc/ssl/certs/rds-global-bundle.pem"
        in environment["DATABASE_URL"]
    )
    assert shlex.split(environment["FORWARDED_ALLOW_IPS"].replace(",", " ")) == [
        "10.40.0.0/20",
        "10.40.16.0/20",
    ]
