"""Reading official notices: text, web pages and Word files into the notice tree.

Plain Python, no Django: the CLI, the import page and the tests share these.
"""

from .parse import parse
from .read import NoticeReadError, read_bytes, read_file
from .show import format_tree

__all__ = ["NoticeReadError", "format_tree", "parse", "read_bytes", "read_file"]
