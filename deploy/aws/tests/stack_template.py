"""Reading deploy/aws/template.yaml the way CloudFormation would.

cfn-lint's decoder turns the short tags (!Ref, !Sub, !GetAtt, ...) into the
long `Fn::` form. `resolve` then evaluates the intrinsic functions the tests
need, with parameter values the test chooses and a stand-in for whatever
only exists once a stack is deployed (a resource's id or attribute)."""

from __future__ import annotations

import functools
import ipaddress
import re
from pathlib import Path
from typing import Any

from cfnlint.decode import decode_str

TEMPLATE_PATH = Path(__file__).resolve().parents[1] / "template.yaml"
_SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")


@functools.cache
def _decoded() -> dict:
    template, problems = decode_str(TEMPLATE_PATH.read_text())
    assert not problems, problems
    return template


def template() -> dict:
    return _decoded()


def resources(kind: str | None = None) -> dict[str, dict]:
    return {
        logical_id: resource
        for logical_id, resource in template()["Resources"].items()
        if kind is None or resource["Type"] == kind
    }


def parameter_defaults() -> dict[str, str]:
    return {
        name: str(parameter["Default"])
        for name, parameter in template()["Parameters"].items()
        if "Default" in parameter
    }


def stand_in(logical_id: str, attribute: str | None = None) -> str:
    """What a deployed resource's Ref (or attribute) would be."""
    return f"<{logical_id}.{attribute}>" if attribute else f"<{logical_id}>"


def resolve(value: Any, parameters: dict[str, str]) -> Any:
    """Evaluate the intrinsic functions in `value` given `parameters`, which
    may also name pseudo parameters (AWS::Region), resources ("UserPool")
    and resource attributes ("Database.Endpoint.Address"); anything else a
    deployment would supply becomes a recognisable stand-in."""
    if isinstance(value, list):
        return [resolve(item, parameters) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) != 1:
        return {key: resolve(item, parameters) for key, item in value.items()}
    ((function, argument),) = value.items()
    if function == "Ref":
        if argument not in parameters:
            return stand_in(argument)
        declared = template()["Parameters"].get(argument, {})
        is_list = declared.get("Type") == "CommaDelimitedList" and isinstance(parameters[argument], str)
        return parameters[argument].split(",") if is_list else parameters[argument]
    if function == "Fn::GetAtt":
        logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
        return parameters.get(f"{logical_id}.{attribute}", stand_in(logical_id, attribute))
    if function == "Fn::Sub":
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        scope = {**parameters, **{name: resolve(item, parameters) for name, item in variables.items()}}
        return _SUB_VARIABLE.sub(lambda match: _sub_variable(match.group(1), scope), text)
    if function == "Fn::Join":
        separator, items = argument
        return separator.join(str(item) for item in resolve(items, parameters))
    if function == "Fn::Select":
        index, items = resolve(argument, parameters)
        return items[int(index)]
    if function == "Fn::Cidr":
        block, count, bits = resolve(argument, parameters)
        network = ipaddress.ip_network(block)
        return [str(subnet) for subnet in network.subnets(new_prefix=32 - int(bits))][: int(count)]
    return {function: resolve(argument, parameters)}


def _sub_variable(name: str, scope: dict[str, str]) -> str:
    if name in scope:
        return str(scope[name])
    if "." in name:
        logical_id, attribute = name.split(".", 1)
        return stand_in(logical_id, attribute)
    return stand_in(name)


def container() -> dict:
    (task_definition,) = resources("AWS::ECS::TaskDefinition").values()
    (portal,) = [c for c in task_definition["Properties"]["ContainerDefinitions"] if c["Name"] == "portal"]
    return portal


def sidecars() -> list[dict]:
    (task_definition,) = resources("AWS::ECS::TaskDefinition").values()
    return [c for c in task_definition["Properties"]["ContainerDefinitions"] if c["Name"] != "portal"]


def task_role_statements() -> list[dict]:
    role = resources("AWS::IAM::Role")["TaskRole"]
    attached = [
        policy["Properties"]
        for policy in resources("AWS::IAM::RolePolicy").values()
        if policy["Properties"]["RoleName"] == {"Ref": "TaskRole"}
    ]
    return [
        statement
        for policy in [*role["Properties"]["Policies"], *attached]
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]
