"""Fanzha (反诈): an open-source platform for an anti-telecom-network-fraud center."""
__version__ = "0.1.0"
