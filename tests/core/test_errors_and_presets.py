"""Error bodies of every shape in PROTOCOLS.md, think tags, presets, profiles, the public surface."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

import maas_core
from maas_core import errors as e
from maas_core import get_profile, maas_base_url, maas_service_url, split_think_tags
from maas_core.providers import DASHSCOPE, MAAS, dashscope_base_url, dashscope_workspace_url
from maas_core.think_tags import ThinkTagSplitter

BODIES = [
    # DashScope native flat (A.7)
    (
        404,
        {"request_id": "ca21", "code": "NotFound", "message": "Model: x not found!"},
        e.NotFoundError,
        "NotFound",
        "ca21",
    ),
    (
        401,
        {"code": "InvalidApiKey", "message": "Invalid API-key provided."},
        e.AuthenticationError,
        "InvalidApiKey",
        None,
    ),
    (
        429,
        {"code": "Throttling.RateQuota", "message": "Requests rate limit exceeded"},
        e.RateLimitError,
        "Throttling.RateQuota",
        None,
    ),
    (
        400,
        {
            "code": "DataInspectionFailed",
            "message": "Input data may contain inappropriate content.",
        },
        e.ContentFilterError,
        "DataInspectionFailed",
        None,
    ),
    (
        500,
        {"code": "InternalError.Algo", "message": "inference internal error."},
        e.ServerError,
        "InternalError.Algo",
        None,
    ),
    # OpenAI nested (compatible mode, B.5)
    (
        401,
        {
            "error": {
                "message": "Incorrect API key provided.",
                "type": "invalid_request_error",
                "param": None,
                "code": "invalid_api_key",
            },
            "request_id": "b02e",
        },
        e.AuthenticationError,
        "invalid_api_key",
        "b02e",
    ),
    # vLLM flat (E.4) and nested (>= 0.10.1)
    (
        404,
        {
            "object": "error",
            "message": "The model `X` does not exist.",
            "type": "NotFoundError",
            "param": None,
            "code": 404,
        },
        e.NotFoundError,
        "404",
        None,
    ),
    (
        400,
        {"error": {"message": "bad", "type": "BadRequestError", "param": None, "code": 400}},
        e.BadRequestError,
        "400",
        None,
    ),
    # ModelArts and APIG (D.4)
    (
        401,
        {"error_code": "ModelArts.81003", "error_msg": "Invalid authorization header."},
        e.AuthenticationError,
        "ModelArts.81003",
        None,
    ),
    (
        400,
        {"error_code": "ModelArts.81002", "error_msg": "Failed to get the authorization header."},
        e.AuthenticationError,
        "ModelArts.81002",
        None,
    ),
    (
        429,
        {"error_code": "ModelArts.81101", "error_msg": "Too many requests"},
        e.RateLimitError,
        "ModelArts.81101",
        None,
    ),
    (
        403,
        {"error_code": "ModelArts.81011", "error_msg": "May contain senstive....."},
        e.ContentFilterError,
        "ModelArts.81011",
        None,
    ),
    (
        404,
        {"error_msg": "The API does not exist", "error_code": "APIG.0101", "request_id": "r9"},
        e.NotFoundError,
        "APIG.0101",
        "r9",
    ),
    # Fabric with a solution (D.8)
    (
        400,
        {
            "error_code": "DataArtsFabric.0001",
            "error_msg": "bad limit",
            "solution_msg": "use 1-100",
        },
        e.BadRequestError,
        "DataArtsFabric.0001",
        None,
    ),
    # FastAPI
    (405, {"detail": "Method Not Allowed"}, e.APIStatusError, None, None),
]


@pytest.mark.parametrize(("status", "body", "cls", "code", "request_id"), BODIES)
def test_every_json_error_shape(status, body, cls, code, request_id):
    error = e.error_from_body(status, json.dumps(body), provider="p")
    assert type(error) is cls
    assert (error.status, error.code, error.request_id) == (status, code, request_id)
    assert error.message and error.message in str(error) and "[p]" in str(error)


def test_sse_framed_error_in_a_4xx_json_response():
    text = (
        'id:1\nevent:error\n:HTTP_STATUS/400\ndata:{"code":"InvalidParameter","message":'
        '"<400> InternalError.Algo.InvalidParameter: Range of max_tokens should be [1, 32768]",'
        '"request_id":"f19e"}'
    )
    error = e.error_from_body(400, text)
    assert type(error) is e.BadRequestError and error.code == "InvalidParameter"
    assert error.request_id == "f19e" and "max_tokens" in error.message


def test_html_gateway_page():
    html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    error = e.error_from_body(502, html, request_id="x-1")
    assert type(error) is e.ServerError and "502 Bad Gateway" in error.message
    assert error.request_id == "x-1" and error.retryable


def test_in_stream_errors_are_both_typed_and_stream_errors():
    error = e.error_from_payload({"code": "Throttling", "message": "slow"}, in_stream=True)
    assert isinstance(error, e.RateLimitError) and isinstance(error, e.StreamError)
    assert error.status == 429 and error.retryable


def test_quota_exhaustion_is_not_retryable():
    error = e.error_from_body(
        429, json.dumps({"error": {"message": "quota", "code": "insufficient_quota"}})
    )
    assert isinstance(error, e.RateLimitError) and not error.retryable


# --- think tags ------------------------------------------------------------------------------


def _stream(pieces, assume_open=False):
    splitter = ThinkTagSplitter(assume_open=assume_open)
    reasoning = content = ""
    for piece in pieces:
        r, c = splitter.feed(piece)
        reasoning, content = reasoning + r, content + c
    r, c = splitter.flush()
    return reasoning + r, content + c


@pytest.mark.parametrize("size", [1, 2, 3, 5, 100])
def test_tags_split_across_chunks(size):
    text = "<think>I ponder.</think>\n\nThe answer."
    pieces = [text[i : i + size] for i in range(0, len(text), size)]
    assert _stream(pieces) == ("I ponder.", "The answer.")


def test_missing_opening_tag():
    text = "Alright, thinking.\n</think>\n\nI'm fine."
    assert _stream([text[:7], text[7:20], text[20:]], assume_open=True) == (
        "Alright, thinking.\n",
        "I'm fine.",
    )
    assert split_think_tags(text) == ("Alright, thinking.\n", "I'm fine.")


def test_no_tag_is_all_content():
    assert _stream(["Plain ", "answer <b>"]) == ("", "Plain answer <b>")
    assert split_think_tags("no tags at all", assume_open=True) == ("", "no tags at all")


# --- presets and profiles --------------------------------------------------------------------


def test_base_url_presets():
    assert maas_base_url() == "https://api.modelarts-maas.com/v1"
    assert maas_base_url("hk", "v2") == "https://api-ap-southeast-1.modelarts-maas.com/v2"
    assert maas_base_url("ap-southeast-1", "openai").endswith("modelarts-maas.com/openai/v1")
    assert maas_service_url("abc").endswith("/v1/infers/abc/v1")
    assert dashscope_base_url("singapore") == "https://dashscope-intl.aliyuncs.com/api/v1"
    assert (
        dashscope_base_url("us", "compatible")
        == "https://dashscope-us.aliyuncs.com/compatible-mode/v1"
    )
    assert (
        dashscope_workspace_url("ws1", "cn-beijing")
        == "https://ws1.cn-beijing.maas.aliyuncs.com/api/v1"
    )
    with pytest.raises(ValueError, match="known regions"):
        maas_base_url("mars")


def test_env_var_defaults(monkeypatch):
    monkeypatch.setenv("MAAS_BASE_URL", "http://x/v1/")
    monkeypatch.setenv("DASHSCOPE_API_KEY", "k")
    assert MAAS.resolve_base_url() == "http://x/v1"
    assert MAAS.resolve_base_url("http://explicit/v1") == "http://explicit/v1"
    assert DASHSCOPE.resolve_api_key() == "k"


def test_profiles_known_and_unknown():
    assert get_profile("maas", "DeepSeek-R1").reasoning == "always"
    assert get_profile("maas", "qwen3-32b").thinking_on(None) is True
    assert get_profile("dashscope", "qwen-plus").thinking_on(None) is False
    assert get_profile("dashscope", "qwq-plus").stream_only
    unknown = get_profile("dashscope", "brand-new-model-2030")
    assert unknown.reasoning == "never" and unknown.tools
    assert get_profile("maas", "DeepSeek-V3", {"context_window": 8}).context_window == 8


# --- public surface and layering -------------------------------------------------------------


def test_all_is_complete_and_sorted():
    public = {
        n for n in dir(maas_core)
        if not n.startswith("_") and not inspect.ismodule(getattr(maas_core, n))
    }
    names = [n for n in maas_core.__all__ if n != "__version__"]
    assert set(names) == public
    assert names == sorted(names, key=lambda n: (not n.isupper(), n[0].islower(), n))


def test_importing_maas_core_loads_no_framework():
    code = (
        "import sys, maas_core, maas_core.client; "
        "print([m for m in ('langchain_core', 'llama_index') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_profile_capability_questions():
    qwen = get_profile("dashscope", "qwen-plus")
    assert qwen.can_force_tool(None) and not qwen.can_force_tool(True)
    assert qwen.json_schema_usable(False) and not qwen.json_schema_usable(True)
    assert not get_profile("maas", "DeepSeek-R1").can_force_tool(None)
