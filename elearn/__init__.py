"""elearn: policy training and compliance tracking for schools."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from elearn import db, errors, security, web
from elearn._version import __version__
from elearn.clock import SystemClock, long_date, school_time
from elearn.config import TESTING, load_config, resolve_secret_key
from elearn.content.loader import load_library

__all__ = ["__version__", "create_app"]

csrf = CSRFProtect()
login_manager = LoginManager()


def create_app(config: dict[str, Any] | None = None, *, for_cli: bool = False) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages. Nothing else happens here."""
    app = Flask(__name__, instance_relative_config=True)
    instance_path = Path(app.instance_path)
    app.config.update(load_config(instance_path, config))
    app.testing = app.config["ENVIRONMENT"] == TESTING
    app.config["SECRET_KEY"] = resolve_secret_key(app.config, instance_path, for_cli=for_cli)
    app.extensions["elearn.clock"] = app.config.pop("CLOCK", None) or SystemClock()
    # Tests hand in a library loaded once; everyone else reads the content folder.
    app.extensions["elearn.library"] = app.config.pop("LIBRARY", None) or load_library(
        app.config["CONTENT_DIR"]
    )
    if "RANDOM" in app.config:
        app.extensions["elearn.random"] = app.config.pop("RANDOM")
    if app.testing:
        from elearn.accounts.api import passwords

        passwords.make_cheap()

    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,  # type: ignore[list-item]
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["school_time"] = school_time
    db.init_app(app)
    csrf.init_app(app)
    WTFormsHelpers(app)
    _init_login(app)
    security.init_app(app)
    errors.init_app(app)
    web.init_app(app)
    _init_mail(app)
    _register_blueprints(app)
    return app


def _init_login(app: Flask) -> None:
    from elearn.accounts.service import load_signed_in_member

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> Any:
        return load_signed_in_member(db.get_session(), user_id)


def _init_mail(app: Flask) -> None:
    from elearn.mail import api as mail

    mail.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from elearn.accounts.routes import accounts, auth
    from elearn.certificates.routes import certificates
    from elearn.console.routes import console
    from elearn.mail.routes import mail
    from elearn.policies.routes import policies
    from elearn.public.routes import public
    from elearn.training.routes import training
    from elearn.trust.routes import trust
    from elearn.versions.routes import versions

    for blueprint in (
        auth,
        accounts,
        training,
        certificates,
        console,
        mail,
        policies,
        versions,
        trust,
        public,
    ):
        app.register_blueprint(blueprint)
