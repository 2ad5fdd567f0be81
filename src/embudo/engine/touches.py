"""Channel and campaign rows for the touches messages carry (`context.campaign`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select

from embudo.domain.channels import channel_of
from embudo.domain.messages import Message
from embudo.domain.spec import FunnelSpec
from embudo.store.tables import campaigns, channels


class Touches:
    """Finds or creates the channel and campaign of each message, cached for a run."""

    def __init__(self, conn: Connection, workspace_id: int, spec: FunnelSpec) -> None:
        self.workspace_id = workspace_id
        self.spec = spec
        self.labels = {channel.key: channel.label for channel in spec.channels}
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
        channel_id = self.channels.get(key) or self._new_channel(conn, key)
        if campaign is None or not campaign.name:
            return channel_id, None
        campaign_id = self.campaigns.get(campaign.name)
        if campaign_id is None:
            campaign_id = self._new_campaign(conn, channel_id, message, now)
        return channel_id, campaign_id

    def _new_channel(self, conn: Connection, key: str) -> int:
        row = {"workspace_id": self.workspace_id, "key": key, "label": self.labels.get(key, key)}
        new_id = int(conn.execute(insert(channels).returning(channels.c.id), row).scalar_one())
        self.channels[key] = new_id
        return new_id

    def _new_campaign(
        self, conn: Connection, channel_id: int, message: Message, now: datetime
    ) -> int:
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
        new_id = conn.execute(insert(campaigns).returning(campaigns.c.id), row).scalar_one()
        self.campaigns[campaign.name] = new_id
        return int(new_id)
