"""Administrators in their private chat: questionnaires from upload to archive, moderation,
exports."""
