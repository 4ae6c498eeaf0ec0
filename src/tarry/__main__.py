"""Allow `python -m tarry`."""

from tarry.cli.main import main

main()
