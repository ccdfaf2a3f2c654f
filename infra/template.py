"""Read template.yaml so the local stack and the tests provision exactly what is deployed."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parents[1] / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that keeps CloudFormation's short tags (!Ref, !Sub, …) as their long form."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


@cache
def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return document


def resources_of_type(resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: resource for name, resource in load_template()["Resources"].items()
            if resource["Type"] == resource_type}


def parameter_default(name: str) -> Any:
    return load_template()["Parameters"][name].get("Default")


def table_definitions() -> dict[str, dict[str, Any]]:
    """Logical table name ("Units" for UnitsTable) → the Properties the template deploys."""
    return {name.removesuffix("Table"): resource["Properties"]
            for name, resource in resources_of_type("AWS::DynamoDB::Table").items()}


def api_routes() -> dict[tuple[str, str], str]:
    """(path, METHOD) → the logical id of the function that serves it."""
    routes: dict[tuple[str, str], str] = {}
    for function_name, resource in resources_of_type("AWS::Serverless::Function").items():
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                key = (event["Properties"]["Path"], event["Properties"]["Method"].upper())
                if key in routes:
                    raise ValueError(f"route {key} is served by two functions")
                routes[key] = function_name
    return routes
