"""Settings from ELEARN_* environment variables, checked before the app starts."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEVELOPMENT = "development"
TESTING = "testing"
PRODUCTION = "production"
ENVIRONMENTS = (DEVELOPMENT, TESTING, PRODUCTION)

REPO_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


class ConfigError(Exception):
    """The settings cannot work; the message says what to set."""


def load_config(
    instance_path: Path,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Build the Flask config from the environment, with safe defaults for each setting.

    `overrides` (what `create_app` was given) win; settings that follow from the environment's
    kind, such as secure cookies in production, follow the overridden kind too.
    """
    env = os.environ if environ is None else environ
    overrides = overrides or {}
    environment = str(overrides.get("ENVIRONMENT") or env.get("ELEARN_ENV", PRODUCTION))
    environment = environment.strip().lower()
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"ELEARN_ENV is '{environment}'; use one of: {', '.join(ENVIRONMENTS)}.")
    idle_minutes = _whole_number(env, "ELEARN_SESSION_IDLE_MINUTES", 240)
    manager_idle_minutes = _whole_number(env, "ELEARN_MANAGER_SESSION_IDLE_MINUTES", 30)
    session_hours = _whole_number(env, "ELEARN_SESSION_HOURS", 12)
    database_url = env.get("ELEARN_DATABASE_URL") or f"sqlite:///{instance_path / 'elearn.sqlite'}"
    settings = {
        "ENVIRONMENT": environment,
        "SECRET_KEY": env.get("ELEARN_SECRET_KEY", ""),
        "DATABASE_URL": database_url,
        "CONTENT_DIR": env.get("ELEARN_CONTENT_DIR") or str(REPO_CONTENT_DIR),
        "BASE_URL": (env.get("ELEARN_BASE_URL") or "http://localhost:5000").rstrip("/"),
        # Email (elearn.mail): both set, or neither for no email.
        "SMTP_URL": env.get("ELEARN_SMTP_URL", "").strip(),
        "MAIL_FROM": env.get("ELEARN_MAIL_FROM", "").strip(),
        "SESSION_COOKIE_SECURE": environment == PRODUCTION,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": environment == PRODUCTION,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "SETUP_LINK_HOURS": 72,
        # A signed-in session ends after this long without a request (headteachers and trust
        # administrators sooner than staff), and after SESSION_HOURS however busy.
        "SESSION_IDLE_MINUTES": idle_minutes,
        "MANAGER_SESSION_IDLE_MINUTES": manager_idle_minutes,
        "SESSION_HOURS": session_hours,
        "SIGN_IN_WINDOW_MINUTES": 15,
        # Sign-in throttling: see elearn.accounts.service.check_throttle for the rule.
        "SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AT_ADDRESS": 5,
        "SIGN_IN_MAX_ACCOUNTS_PER_ADDRESS": 20,
        "SIGN_IN_MAX_FAILURES_PER_ACCOUNT": 50,
    }
    settings.update(overrides)
    settings["ENVIRONMENT"] = environment
    return settings


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number (of minutes or hours) from the environment, at least 1."""
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name} is '{text}'; use a whole number, at least 1.")
    return int(text)


def resolve_secret_key(config: dict[str, Any], instance_path: Path, *, for_cli: bool) -> str:
    """Return the secret key, refusing to run a web server outside development without one.

    In development a key is made once and kept in the instance folder, so sign-ins survive a
    restart. Commands that serve no requests get a throwaway key: they sign no cookies.
    """
    if config["SECRET_KEY"]:
        return str(config["SECRET_KEY"])
    if config["ENVIRONMENT"] == DEVELOPMENT:
        key_file = instance_path / "secret_key"
        if not key_file.exists():
            instance_path.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_hex(32), encoding="utf-8")
            key_file.chmod(0o600)
        return key_file.read_text(encoding="utf-8").strip()
    if config["ENVIRONMENT"] == TESTING or for_cli:
        return secrets.token_hex(32)
    raise ConfigError(
        "ELEARN_SECRET_KEY is not set. Make one with "
        "`python3 -c 'import secrets; print(secrets.token_hex(32))'` and set it in the "
        "environment (or set ELEARN_ENV=development on a machine only you use)."
    )
