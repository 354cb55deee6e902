"""LlamaIndex integration of Huawei Cloud MaaS and Alibaba Cloud DashScope over ``maas_core``.

.. code-block:: python

    from llamaindex_maas import DashScope, MaaS

    llm = MaaS(model="DeepSeek-R1")  # MAAS_API_KEY from the environment
    print(llm.complete("Hello").text)
"""

from maas_core._extras import require

require("llama_index.core", extra="llamaindex", needed_by="llamaindex_maas")

from .base import MaaSBaseLLM
from .embeddings import DashScopeEmbedding, MaaSBaseEmbedding, MaaSEmbedding
from .llms import DashScope, MaaS
from .postprocessors import DashScopeRerank, MaaSBaseRerank, MaaSRerank

__all__ = [
    "DashScope",
    "DashScopeEmbedding",
    "DashScopeRerank",
    "MaaS",
    "MaaSBaseEmbedding",
    "MaaSBaseLLM",
    "MaaSBaseRerank",
    "MaaSEmbedding",
    "MaaSRerank",
]
