"""The endpoint groups of the API, one module each, attached to the client."""

from .codes import Codes
from .docs import Docs
from .live import Live
from .partner import Partner
from .reports import Reports
from .rooms import Rooms

__all__ = ["Codes", "Docs", "Live", "Partner", "Reports", "Rooms"]
