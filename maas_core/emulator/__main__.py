"""``maas-emulator`` / ``python -m maas_core.emulator``: serve the emulator until Ctrl-C."""

from __future__ import annotations

import argparse
import sys

from maas_core.emulator.config import EmulatorConfig
from maas_core.emulator.server import Emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="maas-emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--api-key", default=EmulatorConfig().api_key)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    emulator = Emulator(
        EmulatorConfig(api_key=args.api_key),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
    )
    emulator.start()
    lines = [
        f"MaaS emulator listening on {emulator.url}  (API key: {emulator.api_key})",
        f"  MaaS V1:              {emulator.maas_base_url}",
        f"  MaaS V2:              {emulator.maas_v2_base_url}",
        f"  MaaS OpenAI:          {emulator.maas_openai_base_url}",
        f"  MaaS My Services:     {emulator.maas_service_base_url('<service-id>')}",
        f"  DashScope native:     {emulator.dashscope_base_url}",
        f"  DashScope compatible: {emulator.dashscope_compatible_base_url}",
    ]
    print("\n".join(lines), flush=True)
    emulator.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
