"""Residents in their private chat: the questionnaire conversation and their privacy rights."""
