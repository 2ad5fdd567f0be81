"""The HTTP interface: Segment-compatible intake under /v1, the REST API under /api/v1."""
