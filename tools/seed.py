"""`make seed`: demo data into a deployed stack's tables, or the local stack's (`--local`). Idempotent.

Each seeder is keyed by the logical id of the table it fills; the table's physical name comes from
CloudFormation for a deployed stack, from template.yaml for the local one. The local server calls
`seed_demo(template, endpoint)` right after creating its tables, so the demo users exist in every run.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Callable
from typing import Any

import boto3

from tools.local import bootstrap
from tools.local.local_values import MOTO_PORT
from tools.local.template import LOCAL_REGION, SAMCONFIG, Template

Seeder = Callable[[Any, str], object]  # (DynamoDB client, table name) -> what was written


def seeders() -> dict[str, Seeder]:
    """Table logical id -> the function that seeds it (imported here: the functions' code is on Lambda's paths)."""
    bootstrap.install()
    from invoice_api.seed import seed_demo_data

    return {"InvoiceApiTable": seed_demo_data}


def seed_demo(template: Template, endpoint: str) -> dict[str, object]:
    """Seed the local stack (moto at `endpoint`) with every API's demo data."""
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto
    )
    return {
        logical_id: seed(dynamodb, template.physical_name(logical_id))
        for logical_id, seed in seeders().items()
        if logical_id in template.resources
    }


def seed_stack(stack_name: str, region: str | None) -> dict[str, object]:
    """Seed a deployed stack: its tables are found by logical id through CloudFormation."""
    session = boto3.session.Session(region_name=region)
    cloudformation = session.client("cloudformation")
    dynamodb = session.client("dynamodb")
    seeded = {}
    for logical_id, seed in seeders().items():
        resource = cloudformation.describe_stack_resource(StackName=stack_name, LogicalResourceId=logical_id)
        seeded[logical_id] = seed(dynamodb, resource["StackResourceDetail"]["PhysicalResourceId"])
    return seeded


def deployed_stack(config_env: str) -> tuple[str, str | None]:
    """(stack name, region) of a samconfig.toml environment, as `sam deploy --config-env` would use."""
    config = tomllib.loads(SAMCONFIG.read_text())
    section = config.get(config_env, {})
    stack = section.get("global", {}).get("parameters", {}).get("stack_name")
    region = section.get("deploy", {}).get("parameters", {}).get("region")
    if not stack:
        sys.exit(f"samconfig.toml has no stack_name for [{config_env}]")
    return str(stack), region


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--local", action="store_true", help=f"the local stack (moto on 127.0.0.1:{MOTO_PORT})")
    where.add_argument("--config-env", default="default", help="samconfig.toml environment (default, prod)")
    parser.add_argument("--stack-name", help="a stack name, instead of samconfig.toml's")
    parser.add_argument("--region", help="its region, instead of samconfig.toml's")
    args = parser.parse_args()
    if args.local:
        seeded = seed_demo(Template(), f"http://127.0.0.1:{MOTO_PORT}")
    else:
        stack, region = deployed_stack(args.config_env)
        seeded = seed_stack(args.stack_name or stack, args.region or region)
    for table, outcome in seeded.items():
        print(f"{table}: {outcome}")


if __name__ == "__main__":
    main()
