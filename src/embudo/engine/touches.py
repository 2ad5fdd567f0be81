"""Channel and campaign rows for the touches messages carry (`context.campaign`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from embudo.domain.channels import channel_of
from embudo.domain.messages import Message
from embudo.domain.spec import FunnelSpec
from embudo.store.tables import campaigns, channels


@dataclass(frozen=True, slots=True)
class KnownTouches:
    """Channel ids by key and campaign ids by name, every one of them committed."""

    channels: Mapping[str, int] = field(default_factory=dict)
    campaigns: Mapping[str, int] = field(default_factory=dict)


class Touches:
    """Finds or creates the channel and campaign of each message, cached for a run.

    It may start from what an earlier run learned (`known`): ids that run
    committed. A name it does not know is looked up before it is created,
    since another process may have created it since.
    """

    def __init__(
        self,
        conn: Connection,
        workspace_id: int,
        spec: FunnelSpec,
        known: KnownTouches | None = None,
    ) -> None:
        self.workspace_id = workspace_id
        self.spec = spec
        self.labels = {channel.key: channel.label for channel in spec.channels}
        if known is not None:
            self.channels = dict(known.channels)
            self.campaigns = dict(known.campaigns)
            return
        where = channels.c.workspace_id == workspace_id
        self.channels = dict(conn.execute(select(channels.c.key, channels.c.id).where(where)).all())
        where = campaigns.c.workspace_id == workspace_id
        self.campaigns = dict(
            conn.execute(select(campaigns.c.name, campaigns.c.id).where(where)).all()
        )

    def of(self, conn: Connection, message: Message, now: datetime) -> tuple[int, int | None]:
        """(channel id, campaign id or None) of the message's touch."""
        campaign = message.context.campaign
        key = channel_of(self.spec.channels, campaign)
        channel_id = self.channels.get(key) or self._channel(conn, key)
        if campaign is None or not campaign.name:
            return channel_id, None
        campaign_id = self.campaigns.get(campaign.name)
        if campaign_id is None:
            campaign_id = self._campaign(conn, channel_id, message, now)
        return channel_id, campaign_id

    def known(self) -> KnownTouches:
        """What this run knows now: to be kept only once its transaction has committed."""
        return KnownTouches(dict(self.channels), dict(self.campaigns))

    def _channel(self, conn: Connection, key: str) -> int:
        row = {"workspace_id": self.workspace_id, "key": key, "label": self.labels.get(key, key)}
        found = _found_or_added(conn, channels, channels.c.key == key, row)
        self.channels[key] = found
        return found

    def _campaign(self, conn: Connection, channel_id: int, message: Message, now: datetime) -> int:
        campaign = message.context.campaign
        assert campaign is not None and campaign.name
        row = {
            "workspace_id": self.workspace_id,
            "channel_id": channel_id,
            "name": campaign.name,
            "source": campaign.source,
            "medium": campaign.medium,
            "created_at": now,
        }
        found = _found_or_added(conn, campaigns, campaigns.c.name == campaign.name, row)
        self.campaigns[campaign.name] = found
        return found


def _found_or_added(conn: Connection, table: Table, named: Any, row: dict[str, Any]) -> int:
    """The id of the workspace's row of `table` that `named` picks, added as `row` if none:
    another process may have added it since this run read the table."""
    where = (table.c.workspace_id == row["workspace_id"]) & named
    found = conn.scalar(select(table.c.id).where(where))
    if found is None:
        found = conn.execute(insert(table).returning(table.c.id), row).scalar_one()
    return int(found)
