"""Which channel a touch came through, from its UTM parameters.

The first channel of the funnel definition whose `match` accepts the touch
wins. A match accepts a touch when every list it gives holds the touch's value
(`source` and `medium`, case-insensitive): `{source: [linkedin], medium: [paid]}`
is paid LinkedIn only, `{medium: [social]}` any social medium. A touch with
UTM parameters that no channel accepts is `other`; one without any is `direct`.
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
        match = channel.match
        if (match.source or match.medium) and (
            _accepts(match.source, source) and _accepts(match.medium, medium)
        ):
            return channel.key
    return OTHER


def _accepts(values: list[str], value: str) -> bool:
    """An empty list accepts anything; otherwise the value must be listed."""
    return not values or value in {item.casefold() for item in values}
