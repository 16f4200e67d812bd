"""What every feature of the bot shares: settings, services, jobs, metrics, access checks."""
