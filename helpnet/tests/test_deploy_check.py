"""`helpnet check --deploy` is clean with production settings: no warning at all."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "help.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://help.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto,https",
    "HELPNET_CACHE_URL": "db://",
}


# What the test run itself puts in the environment, which a deployment never has: the browser tests' conftest
# sets DJANGO_ALLOW_ASYNC_UNSAFE (Playwright's event loop), and the check rightly refuses it (async.E001).
TEST_ONLY_ENV = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _check(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV and k not in PRODUCTION_ENV}
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "helpnet", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def test_check_deploy_is_clean_with_production_settings():
    result = _check({**PRODUCTION_ENV, "SECRET_KEY": _secret_key()})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output


def test_check_deploy_fails_without_https_settings():
    """The test can fail: without the HTTPS settings the same check warns and exits non-zero."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if not k.startswith("SECURE_")}
    result = _check({**env, "SECRET_KEY": _secret_key()})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "security.W004" in output  # SECURE_HSTS_SECONDS
    assert "security.W008" in output  # SECURE_SSL_REDIRECT
