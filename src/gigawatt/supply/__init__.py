"""Supply: technology equivalents and hourly capacity expansion."""
