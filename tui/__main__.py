"""`python -m tui` runs the `orderdesk` command (used by `orderdesk web` for each tab)."""

import sys

from tui.cli import main

sys.exit(main())
