"""The civil servants' group chat: digests with figures, charts and quotes."""
