"""Settings, read once at the composition root (the CLI or the API app) and passed down.

Nothing else in embudo reads the environment.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from embudo.domain.errors import InvalidInput

DEFAULT_DATABASE_URL = "sqlite:///embudo.db"
MIN_SECRET_KEY = 32
DEFAULT_REPORT_WAIT = 2.0


class Settings(BaseSettings):
    """`EMBUDO_DATABASE_URL`, `EMBUDO_WORKSPACE`, `EMBUDO_SECRET_KEY`, `EMBUDO_REPORT_WAIT`;
    options take precedence.

    `secret_key` signs the dashboard's session cookies; when it is not set, a
    secret generated once and stored in the database is used, so every worker
    on that database agrees. A short key is refused rather than used.
    """

    model_config = SettingsConfigDict(env_prefix="EMBUDO_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    workspace: str = "default"
    secret_key: SecretStr | None = Field(default=None, min_length=MIN_SECRET_KEY)
    report_wait: float = Field(default=DEFAULT_REPORT_WAIT, ge=0)
    """Seconds a dashboard request waits for a report result computed for the first time
    before showing a placeholder that fills in once it is done (0: never wait)."""


def load_settings(database_url: str | None = None, workspace: str | None = None) -> Settings:
    """Settings from the environment, overridden by the options given on the command line."""
    try:
        settings = Settings()
    except ValidationError as error:
        raise InvalidInput(_explained(error)) from None
    return settings.model_copy(
        update={
            key: value
            for key, value in (("database_url", database_url), ("workspace", workspace))
            if value is not None
        }
    )


def _explained(error: ValidationError) -> str:
    """One line per variable refused: which one, and what to set instead."""
    return "; ".join(_problem(str(problem["loc"][0]), problem["msg"]) for problem in error.errors())


def _problem(field: str, message: str) -> str:
    if field == "secret_key":
        return (
            f"EMBUDO_SECRET_KEY is too short: use at least {MIN_SECRET_KEY} characters — "
            "make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    if field == "report_wait":
        return (
            f"EMBUDO_REPORT_WAIT: {message} — give the seconds a dashboard request may wait "
            f"for a report computed for the first time, such as {DEFAULT_REPORT_WAIT:g}"
        )
    return f"EMBUDO_{field.upper()}: {message}"
