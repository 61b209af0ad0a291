"""Production mode must refuse to start half-configured, and pass Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "x" * 20 + "-production-secret-for-the-deploy-check-only-0123456789"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(DJANGO_SETTINGS_MODULE="mentoring.settings", DJANGO_ENV="production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="mentoring.example.org")
    assert result.returncode != 0
    assert "Production mode needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", DJANGO_SECRET_KEY=SECRET)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_passes_the_deploy_check_without_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="mentoring.example.org",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
