"""``maas-models``: list what a platform serves, or resolve a name to an endpoint.

Usage::

    maas-models models                       # MaaS served models      (MAAS_API_KEY)
    maas-models models --platform dashscope  # DashScope model catalogue (DASHSCOPE_API_KEY)
    maas-models services                     # ModelArts "My Services" (Huawei creds + project)
    maas-models fabric-models --name qwen --visibility PUBLIC --sort-by NAME --order-by ASC
    maas-models instances                    # Fabric service instances
    maas-models deployments                  # DashScope deployments   (DASHSCOPE_API_KEY)
    maas-models resolve DeepSeek-R1 [--platform maas|dashscope|fabric] [--protocol compatible]
    maas-models --json deployments           # JSON for scripts

Every command takes ``--base-url``-style options to point elsewhere (e.g. at the emulator:
``--base-url http://127.0.0.1:PORT/v1 --modelarts-url http://127.0.0.1:PORT ...``). Credentials
come from the environment, never from the command line (where shell history and ``ps`` would show
them): ``--api-key-env NAME`` reads the API key from another variable. A missing one is a one-line
error and exit status 2, a platform error a one-line error and exit status 1; hints in both name
this command's options and variables, not the Python keyword arguments of the library.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel

from .auth import SecretAuth, huawei_auth
from .client import MissingCredentialsError
from .discovery import (
    DashScopeDeployments,
    FabricClient,
    MaaSModels,
    ModelArtsServices,
    ResolveOptions,
    resolve,
)
from .discovery.catalogue import DashScopeModels
from .errors import MaaSError
from .profiles import get_profile

__all__ = ["main"]

PROG = "maas-models"

# Columns shown per listing (the JSON output has every field).
COLUMNS: dict[str, tuple[str, ...]] = {
    "models": ("id", "context_window", "max_output", "reasoning", "thinking_default", "tools",
               "structured_output"),
    "services": ("name", "status", "description", "id", "version"),
    "fabric-models": ("name", "type", "visibility", "id", "update_time"),
    "instances": ("name", "status", "description", "id", "endpoint_id"),
    "deployments": ("deployed_model", "status", "model_name", "capacity", "workspace_id"),
}


ENVIRONMENT = """\
environment variables:
  MAAS_API_KEY, MAAS_BASE_URL            MaaS inference key and base URL (models, resolve)
  DASHSCOPE_API_KEY, DASHSCOPE_BASE_URL  DashScope key and native base URL (--platform dashscope,
                                         deployments)
  DASHSCOPE_WORKSPACE_ID                 DashScope workspace (--workspace)
  HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK [, HUAWEICLOUD_SDK_SECURITY_TOKEN]
                                         Huawei AK/SK signing (services, fabric-models, instances)
  HUAWEICLOUD_TOKEN                      or an IAM token
  HUAWEICLOUD_IAM_USERNAME, HUAWEICLOUD_IAM_PASSWORD, HUAWEICLOUD_IAM_DOMAIN
                                         or an IAM password login
  HUAWEICLOUD_SDK_PROJECT_ID             Huawei project (--project-id)
  HUAWEICLOUD_REGION                     Huawei region (--region)
  HUAWEICLOUD_SDK_IAM_ENDPOINT           IAM endpoint (--iam-url)
  HUAWEICLOUD_MODELARTS_ENDPOINT         ModelArts endpoint (--modelarts-url)
  HUAWEICLOUD_FABRIC_ENDPOINT, HUAWEICLOUD_FABRIC_EP_ENDPOINT
                                         DataArts Fabric endpoints (--fabric-url, --fabric-ep-url)
  HUAWEICLOUD_FABRIC_WORKSPACE_ID        Fabric workspace (--workspace-id)
"""

# Library keyword arguments named in error hints, as this command spells them: an option, or
# nothing (the variable the hint also names is then the way). Longest names first.
_OPTIONS = {"api_key": "--api-key-env NAME", "workspace_id": "--workspace-id",
            "project_id": "--project-id", "iam_url": "--iam-url", "base_url": "--base-url",
            "region": "--region"}
_NO_OPTION = ("security_token", "username", "password", "domain", "token", "ak", "sk")
_KWARG = re.compile(r"\b(" + "|".join(sorted(_OPTIONS, key=len, reverse=True)) + r")=(?:\.\.\.)?")
_UNMAPPED = re.compile(
    r"(?:\b(?:" + "|".join(_NO_OPTION) + r")=(?:\.\.\.)?(?:,\s*)?)+(?:\s*\bor\s+)?")


def cli_wording(text: str) -> str:
    """``text`` with the library's keyword arguments (``api_key=...``) replaced by this command's
    options, or dropped where it has none (the environment variable named beside them stays)."""
    text = _KWARG.sub(lambda m: _OPTIONS[m.group(1)], text)
    text = _UNMAPPED.sub("", text)
    return re.sub(r"\s*\(\s*\)", "", text).replace("( ", "(")


def _common(suppress: bool) -> argparse.ArgumentParser:
    """Options accepted before and after the command (after it, they only override)."""
    common = argparse.ArgumentParser(add_help=False, argument_default=(
        argparse.SUPPRESS if suppress else None))
    common.add_argument("--json", action="store_true", help="print JSON instead of a table",
                        default=argparse.SUPPRESS if suppress else False)
    common.add_argument("--api-key-env", metavar="NAME",
                        help="read the API key from the environment variable NAME (default: "
                             "MAAS_API_KEY, or DASHSCOPE_API_KEY for DashScope)")
    where = common.add_argument_group("where (default: the environment / region presets)")
    for flag, text in (
        ("--base-url", "MaaS inference base (…/v1) or DashScope native base (…/api/v1)"),
        ("--region", "region preset (MaaS / DashScope / Huawei endpoints)"),
        ("--iam-url", "Huawei IAM base URL"),
        ("--modelarts-url", "ModelArts endpoint (My Services listing)"),
        ("--infer-url", "host of My Services inference (…/v1/infers/{id}/v1)"),
        ("--fabric-url", "DataArts Fabric endpoint"),
        ("--fabric-ep-url", "DataArts Fabric EP endpoint (instances)"),
        ("--project-id", "Huawei project id (HUAWEICLOUD_SDK_PROJECT_ID)"),
        ("--region-id", "ModelArts region id of the services listing"),
        ("--workspace-id", "ModelArts / Fabric workspace id"),
        ("--workspace", "DashScope workspace (DASHSCOPE_WORKSPACE_ID)"),
    ):
        where.add_argument(flag, help=text)
    return common


def _command(commands: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A sub-command whose --help lists the environment variables too."""
    command: argparse.ArgumentParser = commands.add_parser(
        name, epilog=ENVIRONMENT, formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)
    return command


def _parser() -> argparse.ArgumentParser:
    common = _common(suppress=True)
    parser = argparse.ArgumentParser(prog=PROG, parents=[_common(suppress=False)],
                                     description="List models, services and deployments of "
                                                 "Huawei MaaS / Fabric and DashScope.",
                                     epilog=ENVIRONMENT,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    models = _command(
        commands, "models", parents=[common],
        help="models with their profile: MaaS GET /models, DashScope catalogue GET /api/v1/models")
    models.add_argument("--platform", choices=("maas", "dashscope"), default="maas")
    _command(commands, "services", parents=[common], help="ModelArts My Services")
    fabric = _command(commands, "fabric-models", parents=[common], help="Fabric models")
    for name in ("name", "id", "type", "visibility", "sort-by", "order-by"):
        fabric.add_argument(f"--{name}", dest=f"filter_{name.replace('-', '_')}")
    _command(commands, "instances", parents=[common], help="Fabric service instances")
    _command(commands, "deployments", parents=[common], help="DashScope deployments")
    res = _command(commands, "resolve", parents=[common], help="resolve NAME to an endpoint")
    res.add_argument("name")
    res.add_argument("--platform", choices=("maas", "dashscope", "fabric"), default="maas")
    res.add_argument("--protocol", choices=("native", "compatible"), default="native")
    res.add_argument("--no-services", action="store_true",
                     help="MaaS: do not search My Services")
    return parser


# ---- commands -----------------------------------------------------------------------------------
def _api_key(args: argparse.Namespace) -> str | None:
    """The key in ``--api-key-env``'s variable; ``None``: the platform's own variable."""
    name = args.api_key_env
    if not name:
        return None
    key = os.environ.get(name)
    if not key:
        raise MissingCredentialsError(f"--api-key-env {name}: the variable {name} is not set")
    return key


def _huawei(args: argparse.Namespace) -> SecretAuth:
    return huawei_auth(project_id=args.project_id, region=args.region, iam_url=args.iam_url)


@dataclasses.dataclass(frozen=True)
class ModelRow:
    """A listed model with what its profile says (family rules + the catalogue's facts)."""

    id: str
    context_window: int
    max_output: int
    reasoning: str
    thinking_default: bool
    tools: bool
    structured_output: bool


def model_row(platform: str, model: str) -> ModelRow:
    profile = get_profile(platform, model)
    return ModelRow(model, profile.context_window, profile.max_output, profile.reasoning,
                    profile.thinking_on(None), profile.tools, profile.json_schema)


def _list_models(args: argparse.Namespace) -> list[Any]:
    if getattr(args, "platform", "maas") == "dashscope":
        with DashScopeModels(api_key=_api_key(args), base_url=args.base_url,
                             region=args.region, workspace=args.workspace) as catalogue:
            return [model_row("dashscope", m.model) for m in catalogue.list_models()]
    with MaaSModels(api_key=_api_key(args), base_url=args.base_url,
                    region=args.region) as client:
        return [model_row("maas", m.id) for m in client.list_models()]


def _list_services(args: argparse.Namespace) -> list[Any]:
    with ModelArtsServices(project_id=args.project_id, region=args.region,
                           region_id=args.region_id, workspace_id=args.workspace_id,
                           base_url=args.modelarts_url, auth=_huawei(args)) as client:
        return client.list_services()


def _fabric(args: argparse.Namespace) -> FabricClient:
    return FabricClient(args.workspace_id, region=args.region, base_url=args.fabric_url,
                        ep_url=args.fabric_ep_url, auth=_huawei(args))


def _list_fabric_models(args: argparse.Namespace) -> list[Any]:
    filters = {k[len("filter_"):]: v for k, v in vars(args).items()
               if k.startswith("filter_") and v is not None}
    with _fabric(args) as client:
        return client.list_models(**filters)


def _list_instances(args: argparse.Namespace) -> list[Any]:
    with _fabric(args) as client:
        return client.list_instances()


def _list_deployments(args: argparse.Namespace) -> list[Any]:
    with DashScopeDeployments(api_key=_api_key(args), base_url=args.base_url,
                              region=args.region, workspace=args.workspace) as client:
        return client.list_deployments()


def _resolve(args: argparse.Namespace) -> Any:
    needs_huawei = args.platform == "fabric" or (args.platform == "maas" and not args.no_services)
    auth = None
    if needs_huawei:
        try:
            auth = _huawei(args)
        except MissingCredentialsError:
            if args.platform == "fabric":
                raise
    options = ResolveOptions(
        api_key=_api_key(args), base_url=args.base_url, region=args.region,
        workspace=args.workspace,
        protocol=args.protocol, huawei_auth=auth, project_id=args.project_id,
        region_id=args.region_id, workspace_id=args.workspace_id,
        modelarts_url=args.modelarts_url, infer_url=args.infer_url,
        fabric_url=args.fabric_url, fabric_ep_url=args.fabric_ep_url,
        services=False if args.no_services or auth is None else None,
    )
    return resolve(args.name, args.platform, options=options)


COMMANDS: dict[str, Callable[[argparse.Namespace], Any]] = {
    "models": _list_models,
    "services": _list_services,
    "fabric-models": _list_fabric_models,
    "instances": _list_instances,
    "deployments": _list_deployments,
    "resolve": _resolve,
}


# ---- output -------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: v for k, v in dataclasses.asdict(value).items() if v is not None}
    return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(getattr(value, "value", value))
    return text if len(text) <= 48 else text[:45] + "..."


def table(rows: Sequence[Any], columns: Sequence[str]) -> str:
    """An aligned plain-text table of ``columns`` of the records ``rows``; a column empty in
    every row (a field this platform or account never fills) is left out."""
    columns = [c for c in columns if any(_cell(getattr(row, c, None)) for row in rows)]
    cells = [[_cell(getattr(row, c, None)) for c in columns] for row in rows]
    header = [c.upper() for c in columns]
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(len(columns))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip()
             for r in [header, *cells]]
    return "\n".join(lines)


def render(command: str, result: Any, as_json: bool) -> str:
    if as_json:
        data = [_plain(r) for r in result] if isinstance(result, list) else _plain(result)
        return json.dumps(data, indent=2, ensure_ascii=False)
    if command == "resolve":
        fields = _plain(result)
        width = max(len(k) for k in fields)
        return "\n".join(f"{k.ljust(width)}  {v}" for k, v in fields.items())
    if not result:
        return "(none)"
    return f"{table(result, COLUMNS[command])}\n({len(result)} total)"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``maas-models``; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        result = COMMANDS[args.command](args)
    except ValueError as exc:  # missing credentials, a value refused before sending
        print(f"{PROG}: error: {cli_wording(str(exc))}", file=sys.stderr)
        return 2
    except MaaSError as exc:
        print(f"{PROG}: {cli_wording(str(exc))}", file=sys.stderr)
        return 1
    print(render(args.command, result, args.json))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
