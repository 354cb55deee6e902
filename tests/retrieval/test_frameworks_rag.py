"""Both frameworks' embedding and rerank classes on the emulator, sync and async, and a RAG
pipeline in each that answers from the right passage, offline."""

from __future__ import annotations

import json

import pytest
from langchain_core.documents import Document as LCDocument
from langchain_core.exceptions import ModelInvalidRequestError
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough
from langchain_core.vectorstores import InMemoryVectorStore
from llama_index.core import Document, VectorStoreIndex
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

import langchain_maas as lc
import llamaindex_maas as li
from maas_core import BadRequestError
from maas_core.emulator import Emulator

from .conftest import PASSAGES, QUESTIONS, SETUPS, base_url, class_kwargs


def li_kwargs(emu: Emulator, setup: str) -> dict[str, object]:
    kwargs: dict[str, object] = {"api_key": emu.api_key, "base_url": base_url(emu, setup)}
    if setup != "maas":
        kwargs["protocol"] = setup
    return kwargs


def lc_embeddings(emu: Emulator, setup: str) -> lc.MaaSEmbeddings | lc.DashScopeEmbeddings:
    cls = lc.MaaSEmbeddings if setup == "maas" else lc.DashScopeEmbeddings
    return cls(**class_kwargs(emu, setup, model=SETUPS[setup][0]))


def lc_rerank(emu: Emulator, setup: str, top_n: int = 2) -> lc.MaaSRerank | lc.DashScopeRerank:
    cls = lc.MaaSRerank if setup == "maas" else lc.DashScopeRerank
    return cls(**class_kwargs(emu, setup, model=SETUPS[setup][1], top_n=top_n))


def li_embedding(emu: Emulator, setup: str) -> li.MaaSEmbedding | li.DashScopeEmbedding:
    cls = li.MaaSEmbedding if setup == "maas" else li.DashScopeEmbedding
    return cls(SETUPS[setup][0], **li_kwargs(emu, setup))  # type: ignore[arg-type]


def li_rerank(emu: Emulator, setup: str, top_n: int = 1) -> li.MaaSRerank | li.DashScopeRerank:
    cls = li.MaaSRerank if setup == "maas" else li.DashScopeRerank
    return cls(model=SETUPS[setup][1], top_n=top_n, **li_kwargs(emu, setup))  # type: ignore[arg-type]


# ---- LangChain ---------------------------------------------------------------------------------
async def test_langchain_query_and_document_text_types(emu: Emulator) -> None:
    embeddings = lc_embeddings(emu, "native")
    embeddings.embed_query("q")
    assert emu.requests[-1].json["parameters"]["text_type"] == "query"
    await embeddings.aembed_documents(["d"])
    assert emu.requests[-1].json["parameters"]["text_type"] == "document"


async def test_langchain_rerank_sync_and_async(emu: Emulator, setup: str) -> None:
    reranker = lc_rerank(emu, setup)
    docs = [LCDocument(p, metadata={"n": i}) for i, p in enumerate(PASSAGES)]
    best = reranker.compress_documents(docs, "Who created the Python programming language?")
    assert best[0].metadata["n"] == 2 and len(best) == 2
    assert best[0].metadata["relevance_score"] > best[1].metadata["relevance_score"]
    again = await reranker.acompress_documents(docs, "What do giant pandas eat?")
    assert again[0].metadata["n"] == 1 and "relevance_score" not in docs[1].metadata


def test_langchain_errors_are_langchain_errors_too(emu: Emulator) -> None:
    embeddings = lc.DashScopeEmbeddings(**class_kwargs(emu, "compatible",
                                                     profile_overrides={"max_texts": 20}))
    with pytest.raises(ModelInvalidRequestError) as caught:
        embeddings.embed_documents(["x"] * 15)
    assert isinstance(caught.value, BadRequestError)
    assert "larger than 10" in str(caught.value)


def test_langchain_retrieval_chain_answers_from_the_right_passage(emu: Emulator, setup: str
                                                                  ) -> None:
    store = InMemoryVectorStore.from_texts(PASSAGES, lc_embeddings(emu, setup))
    retriever = store.as_retriever(search_kwargs={"k": 4})
    reranker = lc_rerank(emu, setup, top_n=1)

    def rerank(question: str) -> str:
        found = reranker.compress_documents(retriever.invoke(question), question)
        return "\n".join(d.page_content for d in found)

    prompt = ChatPromptTemplate.from_template("Context:\n{context}\n\nQuestion: {question}")
    chat = lc.ChatMaaS(model="DeepSeek-V3", api_key=emu.api_key, base_url=emu.maas_base_url)
    chain = ({"context": RunnableLambda(rerank), "question": RunnablePassthrough()}
             | prompt | chat | StrOutputParser())
    for question, expected in QUESTIONS:
        answer = chain.invoke(question)
        assert PASSAGES[expected] in answer, answer
        others = [p for i, p in enumerate(PASSAGES) if i != expected]
        assert not any(p in answer for p in others)


# ---- LlamaIndex --------------------------------------------------------------------------------
async def test_llamaindex_embedding_methods(emu: Emulator, setup: str) -> None:
    model = li_embedding(emu, setup)
    query = model.get_query_embedding("q")
    text = model.get_text_embedding("q")
    batch = model.get_text_embedding_batch(list(PASSAGES) * 5)
    assert len(query) == len(text) == len(batch[0]) == 1024 and len(batch) == 30
    assert await model.aget_query_embedding("q") == query
    assert await model.aget_text_embedding_batch(list(PASSAGES) * 5) == batch
    assert emu.api_key not in json.dumps(model.to_dict()) and emu.api_key not in repr(model)


def test_llamaindex_batch_size_comes_from_the_limits(emu: Emulator) -> None:
    assert li.DashScopeEmbedding(**li_kwargs(emu, "native")).embed_batch_size == 80  # type: ignore[arg-type]
    v2 = li.DashScopeEmbedding("text-embedding-v2", max_concurrency=2,
                               **li_kwargs(emu, "native"))  # type: ignore[arg-type]
    assert v2.embed_batch_size == 50
    assert li.DashScopeEmbedding(embed_batch_size=7, **li_kwargs(emu, "native")  # type: ignore[arg-type]
                                 ).embed_batch_size == 7


async def test_llamaindex_rerank_sync_and_async(emu: Emulator, setup: str) -> None:
    nodes = [NodeWithScore(node=TextNode(text=p), score=0.0) for p in PASSAGES]
    reranker = li_rerank(emu, setup, top_n=2)
    best = reranker.postprocess_nodes(nodes, query_str="Which is the highest mountain in Japan?")
    assert best[0].node.get_content() == PASSAGES[3] and len(best) == 2
    assert best[0].score is not None and best[0].score > (best[1].score or 0)
    again = await reranker.apostprocess_nodes(nodes, QueryBundle("What do giant pandas eat?"))
    assert again[0].node.get_content() == PASSAGES[1]
    assert reranker.postprocess_nodes([], query_str="q") == []


async def test_llamaindex_query_engine_answers_from_the_right_passage(emu: Emulator, setup: str
                                                                      ) -> None:
    pipeline = IngestionPipeline(transformations=[li_embedding(emu, setup)])
    nodes = pipeline.run(documents=[Document(text=p) for p in PASSAGES])
    assert all(n.embedding for n in nodes)
    index = VectorStoreIndex(nodes, embed_model=li_embedding(emu, setup))
    llm = li.MaaS(model="DeepSeek-V3", api_key=emu.api_key, base_url=emu.maas_base_url)
    engine = index.as_query_engine(llm=llm, similarity_top_k=4,
                                   node_postprocessors=[li_rerank(emu, setup)])
    for question, expected in QUESTIONS[:2]:
        response = engine.query(question)
        assert [n.node.get_content() for n in response.source_nodes] == [PASSAGES[expected]]
        assert PASSAGES[expected] in str(response)
    response = await engine.aquery(QUESTIONS[2][0])
    assert PASSAGES[QUESTIONS[2][1]] in str(response)
