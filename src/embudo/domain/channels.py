"""Which channel a touch came through, from its UTM parameters.

The first channel of the funnel definition whose `match` accepts the touch's
`utm_source` or `utm_medium` wins (case-insensitive). A touch with UTM
parameters that no channel accepts is `other`; one without any is `direct`.
"""

from __future__ import annotations

from embudo.domain.messages import Campaign
from embudo.domain.spec import Channel

DIRECT = "direct"
OTHER = "other"


def channel_of(channels: list[Channel], campaign: Campaign | None) -> str:
    """The key of the channel a touch belongs to."""
    if campaign is None or not (campaign.source or campaign.medium or campaign.name):
        return DIRECT
    source = (campaign.source or "").casefold()
    medium = (campaign.medium or "").casefold()
    for channel in channels:
        if _accepts(channel.match.source, source) or _accepts(channel.match.medium, medium):
            return channel.key
    return OTHER


def _accepts(values: list[str], value: str) -> bool:
    return bool(value) and value in {item.casefold() for item in values}
