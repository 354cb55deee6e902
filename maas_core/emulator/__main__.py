"""``maas-emulator`` / ``python -m maas_core.emulator``: serve the emulator until Ctrl-C.

The banner lists every base URL served (inference and management APIs) and the emulated
credentials, each with the variable that points a client at it. A port in use is a one-line
error (exit status 2); Ctrl-C stops it quietly (exit status 130 before serving), also while a
request is pending.
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys

from maas_core.emulator.config import EmulatorConfig
from maas_core.emulator.management.store import ManagementConfig
from maas_core.emulator.server import Emulator

PROG = "maas-emulator"
DESCRIPTION = (
    "A local HTTP emulator of Huawei Cloud ModelArts Studio (MaaS) and Alibaba DashScope: "
    "chat completions on every API flavour, plus the management APIs (IAM, ModelArts services, "
    "DataArts Fabric, DashScope deployments). Prints its base URLs and credentials, then serves "
    "until Ctrl-C."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION,
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (0.0.0.0: every interface)")
    parser.add_argument("--port", type=int, default=8000,
                        help="TCP port to listen on (0: any free port)")
    parser.add_argument("--api-key", default=EmulatorConfig().api_key,
                        help="the API key the inference APIs accept (MaaS and DashScope)")
    parser.add_argument("--log-level", default="info",
                        choices=("critical", "error", "warning", "info", "debug"),
                        help="uvicorn's log level")
    return parser


def banner(emulator: Emulator) -> str:
    """What the emulator serves and with which credentials, one line each."""
    cfg: ManagementConfig = emulator.management.config
    rows = [  # (what, base URL, the variable that points a client at it)
        ("MaaS V1", emulator.maas_base_url, "MAAS_BASE_URL"),
        ("MaaS V2", emulator.maas_v2_base_url, ""),
        ("MaaS OpenAI", emulator.maas_openai_base_url, ""),
        ("MaaS My Services", emulator.maas_service_base_url("<service-id>"), ""),
        ("DashScope native", emulator.dashscope_base_url, "DASHSCOPE_BASE_URL"),
        ("DashScope compatible", emulator.dashscope_compatible_base_url,
         "DASHSCOPE_COMPATIBLE_BASE_URL"),
        ("DashScope deployments", f"{emulator.dashscope_base_url}/deployments",
         "(DASHSCOPE_BASE_URL)"),
        ("Huawei IAM", emulator.iam_url, "HUAWEICLOUD_SDK_IAM_ENDPOINT"),
        ("ModelArts services", emulator.modelarts_url, "HUAWEICLOUD_MODELARTS_ENDPOINT"),
        ("DataArts Fabric", emulator.fabric_url, "HUAWEICLOUD_FABRIC_ENDPOINT"),
        ("DataArts Fabric EP", emulator.fabric_ep_url, "HUAWEICLOUD_FABRIC_EP_ENDPOINT"),
    ]
    credentials = [
        ("API key", emulator.api_key, "MAAS_API_KEY, DASHSCOPE_API_KEY"),
        ("IAM user", cfg.username, "HUAWEICLOUD_IAM_USERNAME"),
        ("IAM password", cfg.password, "HUAWEICLOUD_IAM_PASSWORD"),
        ("IAM domain", cfg.domain, "HUAWEICLOUD_IAM_DOMAIN"),
        ("project id", cfg.project_id, "HUAWEICLOUD_SDK_PROJECT_ID"),
        ("access key", cfg.access_key, "HUAWEICLOUD_SDK_AK"),
        ("secret key", cfg.secret_key, "HUAWEICLOUD_SDK_SK"),
        ("Fabric workspace", cfg.fabric_workspace, "HUAWEICLOUD_FABRIC_WORKSPACE_ID"),
        ("DashScope workspace", cfg.dashscope_workspace, "DASHSCOPE_WORKSPACE_ID"),
    ]
    width = max(len(name) for name, _, _ in rows + credentials) + 1
    column = max(len(value) for _, value, _ in rows + credentials)

    def line(name: str, value: str, variable: str) -> str:
        return f"  {name + ':':<{width}} {value:<{column}}  {variable}".rstrip()

    lines = [f"MaaS emulator listening on {emulator.url}", "base URLs:"]
    lines += [line(*row) for row in rows]
    lines.append("emulated credentials:")
    lines += [line(*row) for row in credentials]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``maas-emulator``; returns the exit status (Ctrl-C: no traceback)."""
    try:
        return _serve(_parser().parse_args(argv))
    except KeyboardInterrupt:
        return 130


def _serve(args: argparse.Namespace) -> int:
    emulator = Emulator(EmulatorConfig(api_key=args.api_key), host=args.host, port=args.port,
                        log_level=args.log_level)
    try:
        emulator.start()
    except OSError as exc:
        reason = ("is in use (choose another with --port)" if exc.errno == errno.EADDRINUSE
                  else f"cannot be opened: {exc.strerror or exc}")
        print(f"{PROG}: error: port {args.port} on {args.host} {reason}", file=sys.stderr)
        return 2
    print(banner(emulator), flush=True)
    # Requests still running at Ctrl-C are cancelled; uvicorn may log that as an error with a
    # traceback of the cancellation, which is not one.
    logging.getLogger("uvicorn.error").addFilter(_no_shutdown_tracebacks)
    emulator.serve_forever()
    return 0


def _no_shutdown_tracebacks(record: logging.LogRecord) -> bool:
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_info = None
        record.exc_text = None
    return True


if __name__ == "__main__":
    sys.exit(main())
