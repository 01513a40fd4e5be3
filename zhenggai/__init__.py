"""zhenggai: rectification after inspection, from feedback to published notice."""

__version__ = "0.1.0"
