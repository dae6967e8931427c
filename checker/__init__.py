"""caselint: check child-protection case records against inspection recommendations."""

__version__ = "0.1.0"
