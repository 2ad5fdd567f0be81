"""Channels: which channel a touch came through, from its UTM source and medium."""

from __future__ import annotations

import pytest

from embudo.domain.channels import channel_of
from embudo.domain.messages import Campaign
from embudo.domain.spec import Channel

CHANNELS = [
    Channel.model_validate(channel)
    for channel in [
        {"key": "organic_search", "match": {"medium": ["organic"]}},
        {
            "key": "paid_social",
            "match": {"source": ["LinkedIn", "facebook"], "medium": ["paid_social"]},
        },
        {"key": "social", "match": {"medium": ["social"]}},
        {"key": "email", "match": {"medium": ["Email"], "source": ["newsletter"]}},
        {"key": "unmatched"},
    ]
]


@pytest.mark.parametrize(
    ("campaign", "channel"),
    [
        (None, "direct"),
        (Campaign(), "direct"),
        (Campaign(term="crm", content="banner"), "direct"),
        (Campaign(source="", medium=""), "direct"),
        (Campaign(name="spring_sale"), "other"),
        (Campaign(source="google", medium="organic"), "organic_search"),
        (Campaign(source="google", medium="ORGANIC"), "organic_search"),
        (Campaign(source="linkedin"), "other"),
        (Campaign(source="LinkedIn", medium="Paid_Social"), "paid_social"),
        (Campaign(source="twitter", medium="Paid_Social"), "other"),
        (Campaign(source="LINKEDIN", medium="social"), "social"),
        (Campaign(source="twitter", medium="social"), "social"),
        (Campaign(medium="email"), "other"),
        (Campaign(source="Newsletter", medium="EMAIL"), "email"),
        (Campaign(source="Newsletter", medium="print"), "other"),
        (Campaign(source="newsletter", medium="organic"), "organic_search"),
        (Campaign(source="billboard", medium="print"), "other"),
        (Campaign(source="organic"), "other"),
    ],
)
def test_channel_of_a_touch(campaign: Campaign | None, channel: str) -> None:
    assert channel_of(CHANNELS, campaign) == channel


def test_without_channels_a_touch_with_utm_is_other() -> None:
    assert channel_of([], Campaign(source="google", medium="organic")) == "other"
