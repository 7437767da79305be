"""`python -m groundswell` is the same as the `groundswell` command. Guarded: the
re-cluster's background process (bot.background_cpu) is spawned, and imports this module."""

import sys

from groundswell.cli import main

if __name__ == "__main__":
    sys.exit(main())
