"""`python -m groundswell` is the same as the `groundswell` command."""

import sys

from groundswell.cli import main

sys.exit(main())
