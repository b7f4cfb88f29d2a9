"""Claim audit: reproduce, re-estimate, verdict, drivers, break-even."""
