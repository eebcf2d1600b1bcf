"""`python -m supportkb` runs the `kb` command."""

import sys

from supportkb.cli import main

sys.exit(main())
