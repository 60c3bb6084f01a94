"""emcon: emissions-discipline lessons from YAML into classroom material."""

__version__ = "0.1.0"
