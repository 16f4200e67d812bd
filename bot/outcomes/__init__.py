"""Closing the loop: opt-ins, outcome messages, invitations and effect checks."""
