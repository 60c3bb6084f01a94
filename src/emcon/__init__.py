"""emcon: lessons written in YAML into classroom material."""

__version__ = "0.1.0"
