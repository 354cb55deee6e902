"""``maas-demo``: the maas-integrations tour, offline on the emulator or live.

Run ``maas-demo`` (or ``python -m maas_demo``); see ``maas_demo.cli`` for the options. This
package imports LangChain and LlamaIndex, which is why it is not part of ``maas_core``.
"""

from .cli import main

__all__ = ["main"]
