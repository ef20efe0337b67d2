"""Only repositories, the AWS gateways and the unit of work know botocore:
everything above them deals in domain objects and domain errors."""

from __future__ import annotations

import ast

from tests.architecture.house import runtime_modules

# The plumbing that talks to AWS itself: the client factory, the DynamoDB
# helpers and the unit of work, and the gateways to Cognito, SES, S3, the
# health check, the bootstrap of a local stack and the stream consumer.
GATEWAYS = {
    "medisecure/aws.py",
    "medisecure/dynamo.py",
    "medisecure/unit_of_work.py",
    "medisecure/identity/cognito.py",
    "medisecure/mail.py",
    "medisecure/storage.py",
    "medisecure/health.py",
    "medisecure/bootstrap.py",
    "medisecure/streams.py",
}
BOTOCORE_NAMES = {"ClientError", "BotoCoreError", "EndpointConnectionError"}


def _is_allowed(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return relative in GATEWAYS or name.endswith("repository.py") or name == "gateway.py"


def botocore_uses(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(
            alias.name.split(".")[0] == "botocore" for alias in node.names
        ):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "botocore":
            lines.append(node.lineno)
        elif isinstance(node, ast.Name) and node.id in BOTOCORE_NAMES:
            lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr in BOTOCORE_NAMES:
            lines.append(node.lineno)
    return sorted(set(lines))


def test_only_repositories_gateways_and_the_unit_of_work_know_botocore():
    offenders = {
        module.relative: botocore_uses(module.tree)
        for module in runtime_modules()
        if not _is_allowed(module.relative) and botocore_uses(module.tree)
    }

    assert offenders == {}, "botocore used outside repositories and gateways (file: lines)"


def test_the_reading_sees_an_import_and_a_caught_client_error():
    source = "from botocore.exceptions import ClientError\ntry:\n    pass\nexcept ClientError:\n    pass\n"

    assert botocore_uses(ast.parse(source)) == [1, 4]
