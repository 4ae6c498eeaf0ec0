"""tarry: treat intimacy as a value. A local-first practice tool."""

__version__ = "0.1.0"
