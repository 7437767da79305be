"""`python -m bot` is the same as the `groundswell` command."""

import sys

from bot.cli import main

sys.exit(main())
