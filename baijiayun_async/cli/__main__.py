"""Run the command line as ``python -m baijiayun_async.cli``."""

from . import main

main()
