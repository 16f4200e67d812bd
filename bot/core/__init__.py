"""What every feature of the bot shares: settings, services, jobs, metrics, access checks,
and the Telegram toolkit (button data, keyboards, replies sent after the commit)."""
