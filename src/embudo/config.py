"""Settings, read once at the composition root (the CLI or the API app) and passed down.

Nothing else in embudo reads the environment.
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///embudo.db"


class Settings(BaseSettings):
    """`EMBUDO_DATABASE_URL`, `EMBUDO_WORKSPACE`; command-line options take precedence."""

    model_config = SettingsConfigDict(env_prefix="EMBUDO_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    workspace: str = "default"


def load_settings(database_url: str | None = None, workspace: str | None = None) -> Settings:
    """Settings from the environment, overridden by the options given on the command line."""
    settings = Settings()
    return settings.model_copy(
        update={
            key: value
            for key, value in (("database_url", database_url), ("workspace", workspace))
            if value is not None
        }
    )
