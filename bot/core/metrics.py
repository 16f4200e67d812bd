"""Prometheus metrics, served by ``samenspraak serve`` on ``GET /metrics``.

Counters and histograms are updated where things happen; the gauges that describe the
database (sessions active, broadcast queue length) are refreshed when ``/metrics`` is
scraped. No metric carries resident data in its labels.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter(
    "samenspraak_updates_total",
    "Telegram updates received, by kind (message, command, callback_query, edited_message, "
    "document, other).",
    ["kind"],
)
UPDATE_SECONDS = Histogram(
    "samenspraak_update_processing_seconds",
    "Time from an update's arrival in the application to the end of its handling.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ANSWERS_STORED = Counter("samenspraak_answers_stored_total", "Answers stored.")
SESSIONS_ACTIVE = Gauge("samenspraak_sessions_active", "Questionnaires in progress.")
DIGESTS_SENT = Counter(
    "samenspraak_digests_sent_total", "Digests sent to the civil servants' group.", ["kind"]
)
BROADCAST_QUEUE = Gauge(
    "samenspraak_broadcast_queue_length", "Broadcast messages waiting to be sent."
)
BROADCAST_MESSAGES = Counter(
    "samenspraak_broadcast_messages_total",
    "Broadcast messages handled, by result (sent, unreachable, failed, retried).",
    ["result"],
)
TELEGRAM_ERRORS = Counter(
    "samenspraak_telegram_api_errors_total",
    "Bot API calls that failed, by HTTP status code (or 'network').",
    ["code"],
)
UPDATES_DROPPED = Counter(
    "samenspraak_updates_dropped_total",
    "Updates not handled, by reason (duplicate, flood).",
    ["reason"],
)
