"""The dashboard's sections, in the order the navigation shows them.

A page module adds its router to `pages.PAGES`; its entry here gives the
navigation its link. Labels are marked for translation with `N_` and
translated when rendered.
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark `message` for extraction (`pybabel extract -k N_`); it is translated when shown."""
    return message


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    path: str
    label: str


NAVIGATION = (
    Section("overview", "/", N_("Overview")),
    Section("flows", "/flows", N_("Flows")),
    Section("pipeline", "/pipeline", N_("Pipeline")),
    Section("leads", "/leads", N_("Leads")),
    Section("reports", "/reports", N_("Reports")),
    Section("settings", "/settings", N_("Settings")),
)
