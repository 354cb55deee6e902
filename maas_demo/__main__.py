"""``python -m maas_demo``: the same as the ``maas-demo`` command."""

import sys

from .cli import main

sys.exit(main())
