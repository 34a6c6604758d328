"""`python -m shop serve|seed|outbox|key …`."""

import sys

from shop.cli import main

# Guarded: seeding's worker processes (spawn) import the parent's main module again.
if __name__ == "__main__":
    sys.exit(main())
