"""Reading official notices: text, web pages and Word files into the notice tree.

Plain Python, no Django: the CLI, the import page and the tests share these.
"""

from .parse import parse

__all__ = ["parse"]
