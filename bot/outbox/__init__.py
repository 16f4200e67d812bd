"""Paced broadcasts through the durable outbox."""
