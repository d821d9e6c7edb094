"""The ``baijiayun`` command line (the ``cli`` extra: typer and rich).

Room, code, courseware, live and report commands against an account, a local
``sandbox`` of the fake service, and a ``demo`` that runs a whole term against
the fake over real sockets and checks its own results.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Run the command line; explain how to install it when its extra is missing."""
    try:
        from ._app import app  # noqa: PLC0415 -- typer and rich are an optional extra
    except ImportError as exc:
        missing = exc.name or "a dependency"
        raise SystemExit(
            f"baijiayun: the command line needs {missing}; "
            "install it with: pip install 'baijiayun-async[cli]'"
        ) from None
    app()
