"""The schema: SQLAlchemy Core tables, every row belonging to a workspace.

History tables (`events`, `score_ledger`, `lifecycle_transitions`, `outbox`,
`dead_letters`) are append-only. `contacts.stage`, `contacts.score` and its
parts are caches the engine keeps equal to what the history says.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from embudo.store.types import Document, Id, Money, UtcDateTime, WrittenDocument

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _id() -> Column[int]:
    return Column("id", Id, primary_key=True, autoincrement=True)


def _workspace() -> Column[int]:
    return Column("workspace_id", Id, ForeignKey("workspaces.id"), nullable=False)


workspaces = Table(
    "workspaces",
    metadata,
    _id(),
    Column("name", String(100), nullable=False, unique=True),
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("created_at", UtcDateTime, nullable=False),
)

spec_versions = Table(
    "spec_versions",
    metadata,
    _id(),
    _workspace(),
    Column("version", Integer, nullable=False),
    Column("document", WrittenDocument, nullable=False),
    Column("source", Text, nullable=False),
    Column("checksum", String(64), nullable=False),
    Column("applied_at", UtcDateTime, nullable=False),
    Column("applied_by", String(200), nullable=True),
    UniqueConstraint("workspace_id", "version"),
)

users = Table(
    "users",
    metadata,
    _id(),
    _workspace(),
    Column("email", String(320), nullable=False),
    Column("name", String(200), nullable=False, default=""),
    Column("team", String(20), nullable=False, default="sales"),
    Column("role", String(20), nullable=False, default="member"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("password_hash", String(255), nullable=True),
    UniqueConstraint("workspace_id", "email"),
)

site_secrets = Table(
    "site_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(128), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    _id(),
    _workspace(),
    Column("subject", String(400), nullable=False),
    Column("attempted_at", UtcDateTime, nullable=False),
    Index("ix_sign_in_attempts_subject", "workspace_id", "subject", "attempted_at"),
    Index("ix_sign_in_attempts_attempted_at", "attempted_at"),
)
"""Not history: recent failed sign-ins, one row per failure and subject (`email:…`, `client:…`).

Read to refuse sign-in after too many (`domain.sign_in_limit`); rows older
than the window are deleted whenever a failure is recorded.
"""

api_keys = Table(
    "api_keys",
    metadata,
    _id(),
    _workspace(),
    Column("name", String(200), nullable=False),
    Column("key_hash", String(128), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
)

companies = Table(
    "companies",
    metadata,
    _id(),
    _workspace(),
    Column("group_id", String(200), nullable=False),
    Column("name", String(300), nullable=False, default=""),
    Column("traits", Document, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("workspace_id", "group_id"),
)

channels = Table(
    "channels",
    metadata,
    _id(),
    _workspace(),
    Column("key", String(64), nullable=False),
    Column("label", String(200), nullable=False, default=""),
    UniqueConstraint("workspace_id", "key"),
)

campaigns = Table(
    "campaigns",
    metadata,
    _id(),
    _workspace(),
    Column("channel_id", Id, ForeignKey("channels.id"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("source", String(200), nullable=True),
    Column("medium", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("workspace_id", "name"),
)

campaign_costs = Table(
    "campaign_costs",
    metadata,
    _id(),
    _workspace(),
    Column("campaign_id", Id, ForeignKey("campaigns.id"), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("amount", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    UniqueConstraint("campaign_id", "period_start"),
)

contacts = Table(
    "contacts",
    metadata,
    _id(),
    _workspace(),
    Column("email", String(320), nullable=True),
    Column("traits", Document, nullable=False),
    Column("company_id", Id, ForeignKey("companies.id"), nullable=True),
    Column("owner_id", Id, ForeignKey("users.id"), nullable=True),
    Column("channel_id", Id, ForeignKey("channels.id"), nullable=True),
    Column("campaign_id", Id, ForeignKey("campaigns.id"), nullable=True),
    Column("stage", String(64), nullable=False),
    Column("stage_at", UtcDateTime, nullable=False),
    Column("fit_score", Float, nullable=False, default=0.0),
    Column("engagement_score", Float, nullable=False, default=0.0),
    Column("score", Float, nullable=False, default=0.0),
    Column("scored_at", UtcDateTime, nullable=False),
    Column("unsubscribed", Boolean, nullable=False, default=False),
    Column("merged_into_id", Id, ForeignKey("contacts.id"), nullable=True),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("first_message_id", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("workspace_id", "first_message_id"),
    Index("ix_contacts_workspace_stage", "workspace_id", "stage"),
    Index("ix_contacts_workspace_email", "workspace_id", "email"),
    Index(
        "ix_contacts_workspace_merged",
        "workspace_id",
        "merged_into_id",
        sqlite_where=text("merged_into_id IS NOT NULL"),
        postgresql_where=text("merged_into_id IS NOT NULL"),  # the few merged away
    ),
)

identities = Table(
    "identities",
    metadata,
    _id(),
    _workspace(),
    Column("kind", String(16), nullable=False),
    Column("value", String(320), nullable=False),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("workspace_id", "kind", "value"),
    Index("ix_identities_contact", "contact_id"),
)

events = Table(
    "events",
    metadata,
    _id(),
    _workspace(),
    Column("message_id", String(200), nullable=False),
    Column("type", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=False),
    Column("anonymous_id", String(200), nullable=True),
    Column("user_id", String(200), nullable=True),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("properties", Document, nullable=False),
    Column("channel_id", Id, ForeignKey("channels.id"), nullable=True),
    Column("campaign_id", Id, ForeignKey("campaigns.id"), nullable=True),
    UniqueConstraint("workspace_id", "message_id"),
    Index("ix_events_contact_occurred", "contact_id", "occurred_at"),
)

score_ledger = Table(
    "score_ledger",
    metadata,
    _id(),
    _workspace(),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=False),
    Column("event_id", Id, ForeignKey("events.id"), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("points", Float, nullable=False),
    Column("half_life_days", Float, nullable=True),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("spec_version_id", Id, ForeignKey("spec_versions.id"), nullable=True),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_score_ledger_contact", "contact_id", "occurred_at"),
)

lifecycle_transitions = Table(
    "lifecycle_transitions",
    metadata,
    _id(),
    _workspace(),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=False),
    Column("from_stage", String(64), nullable=True),
    Column("to_stage", String(64), nullable=False),
    Column("move", String(16), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("cause", String(16), nullable=False),
    Column("rule", String(100), nullable=True),
    Column("spec_version_id", Id, ForeignKey("spec_versions.id"), nullable=True),
    Column("event_id", Id, ForeignKey("events.id"), nullable=True),
    Column("actor", String(320), nullable=True),
    Column("reason", String(200), nullable=True),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_lifecycle_transitions_contact", "contact_id", "id"),
    Index("ix_lifecycle_transitions_workspace_occurred", "workspace_id", "occurred_at"),
    Index(
        "ix_lifecycle_transitions_workspace_contact_stage",
        "workspace_id",
        "contact_id",
        "occurred_at",
        "id",
        "to_stage",
    ),
    Index(
        "ix_lifecycle_transitions_workspace_to_stage",
        "workspace_id",
        "to_stage",
        "occurred_at",
        "contact_id",
    ),
)
"""Append-only. The reports read each contact's moves in time order (with the stage each
entered, from the index alone: migration 0013), and one stage's entries, from the last two
indexes (migration 0007)."""

lifecycle_visits = Table(
    "lifecycle_visits",
    metadata,
    Column("transition_id", Id, ForeignKey("lifecycle_transitions.id"), primary_key=True),
    _workspace(),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=False),
    Column("stage", String(64), nullable=False),
    Column("entered_at", UtcDateTime, nullable=False),
    Column("left_at", UtcDateTime, nullable=True),
    Column("seconds", Integer, nullable=True),
    Column("next_move", String(16), nullable=True),
    Column("next_reason", String(200), nullable=True),
    Column("touched_at", UtcDateTime, nullable=True),
    Index("ix_lifecycle_visits_contact", "contact_id"),
    Index(
        "ix_lifecycle_visits_workspace_stage",
        "workspace_id",
        "stage",
        "entered_at",
        "left_at",
        "seconds",
        "contact_id",
    ),
)
"""A cache the engine keeps equal to what `lifecycle_transitions` says (`store.visits`): one
row per move, the visit it starts, ended by the contact's next move (by occurred_at, id) —
when (`left_at`), after how many whole seconds (`seconds`, floored epochs) and by which move
and reason — and the contact's first sales touch (`touched_at`: a call, email or meeting
done, an accept or a reject) at or after the visit began and before the contact's next
visit to the same stage. Reports read visits from it instead of pairing every move with the
next one; its last index holds all a per-stage total reads, in stage order (migration 0012)."""

lists = Table(
    "lists",
    metadata,
    _id(),
    _workspace(),
    Column("key", String(64), nullable=False),
    Column("label", String(200), nullable=False, default=""),
    Column("marketing", Boolean, nullable=False, default=True),
    UniqueConstraint("workspace_id", "key"),
)

list_memberships = Table(
    "list_memberships",
    metadata,
    _id(),
    _workspace(),
    Column("list_id", Id, ForeignKey("lists.id"), nullable=False),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    Column("removed_at", UtcDateTime, nullable=True),
    Column("cause", String(200), nullable=True),
    Index("ix_list_memberships_contact", "contact_id"),
)

tasks = Table(
    "tasks",
    metadata,
    _id(),
    _workspace(),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=True),
    Column("owner_id", Id, ForeignKey("users.id"), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("title", String(300), nullable=False),
    Column("due_at", UtcDateTime, nullable=True),
    Column("completed_at", UtcDateTime, nullable=True),
    Column("outcome", String(200), nullable=True),
    Column("cause", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_tasks_completed_at", "completed_at"),
    Index("ix_tasks_contact_completed", "contact_id", "completed_at"),
)

outbox = Table(
    "outbox",
    metadata,
    _id(),
    _workspace(),
    Column("topic", String(100), nullable=False),
    Column("payload", Document, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("delivered_at", UtcDateTime, nullable=True),
)

inbox = Table(
    "inbox",
    metadata,
    _id(),
    _workspace(),
    Column("source", String(500), nullable=False),
    Column("documents", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Index("ix_inbox_queue", "workspace_id", "id"),
)
"""Not history: `/v1/batch` requests stored and answered, waiting to be applied (oldest first).

`documents` is the JSON array of the request's messages as received (with the
ids and batch defaults the request gave them), `size` how many; a row is
deleted in the transaction that applies it (`engine.inbox`).
"""

inbox_leases = Table(
    "inbox_leases",
    metadata,
    Column("workspace_id", Id, ForeignKey("workspaces.id"), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)
"""Who is applying a workspace's inbox, until when: one row while someone is, none otherwise."""

dead_letters = Table(
    "dead_letters",
    metadata,
    _id(),
    _workspace(),
    Column("message_id", String(200), nullable=True),
    Column("source", String(500), nullable=True),
    Column("payload", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

deals = Table(
    "deals",
    metadata,
    _id(),
    _workspace(),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=False),
    Column("company_id", Id, ForeignKey("companies.id"), nullable=True),
    Column("pipeline", String(64), nullable=False),
    Column("stage", String(64), nullable=False),
    Column("status", String(8), nullable=False),
    Column("amount", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("owner_id", Id, ForeignKey("users.id"), nullable=True),
    Column("expected_close_on", Date, nullable=True),
    Column("channel_id", Id, ForeignKey("channels.id"), nullable=True),
    Column("campaign_id", Id, ForeignKey("campaigns.id"), nullable=True),
    Column("loss_reason", String(64), nullable=True),
    Column("referred_by_contact_id", Id, ForeignKey("contacts.id"), nullable=True),
    Column("title", String(300), nullable=False, default=""),
    Column("stage_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(320), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("source_key", String(200), nullable=True),
    Index("ix_deals_workspace_pipeline_stage", "workspace_id", "pipeline", "stage"),
    Index("ix_deals_contact", "contact_id"),
    Index("ux_deals_workspace_source_key", "workspace_id", "source_key", unique=True),
    Index("ix_deals_updated_at", "updated_at"),
)
"""`stage` and `status` (the stage's kind) are caches of the deal's last history row."""

deal_stage_history = Table(
    "deal_stage_history",
    metadata,
    _id(),
    _workspace(),
    Column("deal_id", Id, ForeignKey("deals.id"), nullable=False),
    Column("from_stage", String(64), nullable=True),
    Column("to_stage", String(64), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("actor", String(320), nullable=False),
    Column("source", String(32), nullable=False),
    Column("reason", String(200), nullable=True),
    Column("spec_version_id", Id, ForeignKey("spec_versions.id"), nullable=True),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_deal_stage_history_deal", "deal_id", "id"),
)
"""Append-only: one row per deal move, its creation included (`from_stage` NULL)."""

deal_visits = Table(
    "deal_visits",
    metadata,
    Column("history_id", Id, ForeignKey("deal_stage_history.id"), primary_key=True),
    _workspace(),
    Column("deal_id", Id, ForeignKey("deals.id"), nullable=False),
    Column("pipeline", String(64), nullable=False),
    Column("stage", String(64), nullable=False),
    Column("entered_at", UtcDateTime, nullable=False),
    Column("left_at", UtcDateTime, nullable=True),
    Column("seconds", Integer, nullable=True),
    Index("ix_deal_visits_deal", "deal_id"),
    Index(
        "ix_deal_visits_workspace_stage",
        "workspace_id",
        "pipeline",
        "stage",
        "entered_at",
        "left_at",
        "seconds",
        "deal_id",
    ),
)
"""A cache the engine keeps equal to what `deal_stage_history` says (`store.deal_visits`):
one row per deal move, the visit it starts in the deal's pipeline (a deal never changes
pipeline), ended by the deal's next move (by occurred_at, id) — when (`left_at`) and after
how many whole seconds (`seconds`, floored epochs). time-in-stage reads deal visits from it
instead of pairing every move with the next one; its last index holds all a per-stage total
reads, in stage order (migration 0014)."""

owner_assignments = Table(
    "owner_assignments",
    metadata,
    _id(),
    _workspace(),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=False),
    Column("owner_id", Id, ForeignKey("users.id"), nullable=False),
    Column("assigned_at", UtcDateTime, nullable=False),
    Column("rule", String(100), nullable=False),
    Column("actor", String(320), nullable=False),
    Index("ix_owner_assignments_owner", "workspace_id", "owner_id"),
    Index("ix_owner_assignments_contact", "contact_id", "id"),
)
"""Append-only: every hand-over of a contact; `contacts.owner_id` caches the last one."""

sla_breaches = Table(
    "sla_breaches",
    metadata,
    _id(),
    _workspace(),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=False),
    Column("transition_id", Id, ForeignKey("lifecycle_transitions.id"), nullable=False),
    Column("owner_id", Id, ForeignKey("users.id"), nullable=True),
    Column("kind", String(32), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("touched_at", UtcDateTime, nullable=True),
    Column("detected_at", UtcDateTime, nullable=False),
    UniqueConstraint("transition_id", "kind"),
    Index("ix_sla_breaches_workspace_due", "workspace_id", "due_at"),
)
"""One row per breached MQL entry (`transition_id`); `touched_at` is filled by the late touch."""

playbook_runs = Table(
    "playbook_runs",
    metadata,
    _id(),
    _workspace(),
    Column("playbook", String(64), nullable=False),
    Column("subject_kind", String(16), nullable=False),
    Column("subject_id", Id, nullable=False),
    Column("trigger_key", String(200), nullable=False),
    Column("contact_id", Id, ForeignKey("contacts.id"), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("outcomes", Document, nullable=False),
    Column("ran_at", UtcDateTime, nullable=False),
    UniqueConstraint(
        "workspace_id",
        "playbook",
        "subject_kind",
        "subject_id",
        "trigger_key",
        name="uq_playbook_runs_run",
    ),
    Index("ix_playbook_runs_contact", "contact_id"),
)
"""Append-only: one row per playbook run (playbook, subject, trigger) and what its actions did.

The unique key makes every run happen once, however often its trigger is seen.
"""

report_cache = Table(
    "report_cache",
    metadata,
    _id(),
    _workspace(),
    Column("key", String(64), nullable=False),
    Column("report", String(64), nullable=False),
    Column("params", Text, nullable=False),
    Column("data_version", String(400), nullable=False),
    Column("computed_at", UtcDateTime, nullable=False),
    Column("result", Text, nullable=False),
    Column("refresh_started_at", UtcDateTime, nullable=True),
    UniqueConstraint("workspace_id", "key", name="uq_report_cache_key"),
)
"""Not history: the last result of a report the dashboard shows, per workspace and parameters.

`key` digests the report's name and parameters; `data_version` is what the
history tables looked like when it was computed; `refresh_started_at` claims
the one recomputation running for it (across worker processes).
"""
