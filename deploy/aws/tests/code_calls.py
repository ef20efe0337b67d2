"""The AWS operations the portal's own code makes, found by reading its source.

The task role in template.yaml must allow exactly these. They are read from
the source (an AST walk) rather than recorded while the test suite runs,
because a recording only sees the paths some test happens to drive: a
permission missing on a rarely taken branch (the retry of a BatchGetItem's
unprocessed keys, an error path) would pass here and fail in production as
AccessDenied. A reading sees every call site, is deterministic and costs no
AWS round trip. The project's conventions keep the reading small and exact:
boto3 clients come only from `medisecure.aws.client(...)`, DynamoDB calls live
in repositories and go through `medisecure.dynamo`'s helpers, and tables are
the constants of `medisecure.tables`. Where a call site does not say which
table or index it touches in a way the reading can follow, the scan fails
and names the line, rather than guessing. A test also records the calls a
real run makes and checks that the reading covers them.

Writes that must land together go through the unit of work
(`medisecure.unit_of_work.Transaction`): each repository adds its entries,
built where it names its table (`dynamo.put_entry(TABLE, ...)`,
`dynamo.delete_entry(TABLE, ...)`, a `{"Update": {"TableName": ...}}` literal,
or a repository's own helper that takes the table from its caller), and the
audit writer adds its event the same way. The commit sends them as one
TransactWriteItems, which names no table itself and has no IAM action of its
own: each entry is authorised as the single-item action it performs, so the
reading counts each entry where it is built, whichever transaction it joins,
and not the commit. Reads batched across tables are read the same way: a
BatchGetItem of TABLE wherever a repository builds `dynamo.ItemRead(TABLE, ...)`.

What is read: every module of the project's packages, except tests, test
plumbing, migrations and `deploy/` (the local stack), and except
`bootstrap.py` with its `bootstrap_aws` command: in AWS the CloudFormation
stack creates the tables, pool, bucket and SES set-up, so the task role
must not be able to create or change them.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import botocore.session
from botocore import xform_name

from medisecure import tables as table_module

REPO = Path(__file__).resolve().parents[3]
# bench/ drives the local stack only (and is left out of the image).
NOT_PACKAGES = {"deploy", "tests", "bench"}
NOT_RUNTIME_DIRS = {"tests", "testing", "migrations", "__pycache__"}
NOT_RUN_BY_THE_TASK_ROLE = {
    "medisecure/bootstrap.py",
    "medisecure/management/commands/bootstrap_aws.py",
}
# The stream consumers and the archiver run as their own principals: in AWS
# the Lambda functions behind the event source mappings (the archiver's role
# may read the stream and put into the archive bucket, nothing else; the
# mapping itself keeps the position), locally `stream_consumer`. The
# restore from the archive is an operator's, with the operator's own
# credentials. test_template_matches_code checks the archiver's role apart.
NOT_RUN_BY_THE_TASK_ROLE |= {
    "medisecure/streams.py",
    "medisecure/management/commands/stream_consumer.py",
    "audit/archive/writer_repository.py",
    "audit/archive/lambda_handler.py",
    "audit/archive/restore_repository.py",
    # The restore drill (manage.py restore_drill) restores, scans and deletes
    # tables: an operator's, with the operator's own credentials.
    "audit/restore_drill/repository.py",
    # The analytics projector: its own principal may only UpdateItem the analytics table.
    "analytics/projector_repository.py",
    "analytics/handlers.py",
    "analytics/lambda_handler.py",
    # The rebuild is an operator's repair, run with the operator's own
    # credentials: the one full read of the source tables.
    "analytics/rebuild_repository.py",
    "analytics/rebuild.py",
    "analytics/management/commands/analytics_rebuild.py",
}
# The demo clinic's step markers live in a table of the local stack only
# (seed_demo refuses anywhere else), so no role in AWS ever needs it.
NOT_RUN_BY_THE_TASK_ROLE |= {"portal/demo/repository.py"}
DYNAMO_HELPERS = "medisecure.dynamo"
TABLE_NAME_FUNCTIONS = {"name", "physical_name"}
# TransactWriteItems/TransactGetItems have no IAM action of their own: each
# entry is authorised as the single-item action it performs.
TRANSACTION_ENTRIES = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
ENTRY_AUTHORISED_OPERATIONS = {"TransactWriteItems", "TransactGetItems"}
# `medisecure.dynamo` helpers that take a list of (table, key) pairs: their
# call sites name the tables, so their own bodies are not read.
PAIR_LIST_HELPERS = {"get_many": "BatchGetItem"}
# `dynamo.read_together(*reads)` batches `dynamo.ItemRead(TABLE, key, parse)`
# values that each repository builds for its own items: the reading counts a
# BatchGetItem of TABLE where an ItemRead is built, and skips the helper.
ITEM_READ = "ItemRead"
BATCH_OF_ITEM_READS = {"read_together": "BatchGetItem"}
# The entries repositories add to a unit of work (medisecure.unit_of_work):
# `dynamo.put_entry(TABLE, ...)` is authorised as PutItem on TABLE, and so on.
ENTRY_HELPERS = {"put_entry": "PutItem", "delete_entry": "DeleteItem"}


class ScanError(Exception):
    """A call site the reading cannot attribute to a table or index."""


@dataclass(frozen=True)
class Call:
    service: str  # botocore's service name: dynamodb, cognito-idp, s3, sesv2
    operation: str  # the API operation, e.g. PutItem
    table: str | None = None  # medisecure.tables name, for DynamoDB
    index: str | None = None  # for a Query on a GSI
    where: str = ""

    def key(self) -> tuple:
        return (self.service, self.operation, self.table, self.index)


def runtime_modules() -> list[Path]:
    modules = []
    for package in sorted(REPO.iterdir()):
        if package.name in NOT_PACKAGES or not (package / "__init__.py").exists():
            continue
        for path in sorted(package.rglob("*.py")):
            relative = path.relative_to(REPO)
            if NOT_RUNTIME_DIRS & set(relative.parts) or relative.as_posix() in NOT_RUN_BY_THE_TASK_ROLE:
                continue
            modules.append(path)
    return modules


@functools.cache
def operations(service: str) -> dict[str, str]:
    """boto3 method name -> API operation name, from botocore's model."""
    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}


@functools.cache
def needs_no_iam(service: str, operation: str) -> bool:
    """Cognito's token-authorised calls (GetUser, VerifySoftwareToken, ...)
    are unsigned: the user's access token authorises them, not IAM."""
    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation).auth_type == "none"


class _Module:
    """One module's imports, constants and functions, as the scan needs them."""

    def __init__(self, relative: str, source: str):
        self.relative = relative
        self.dotted = ".".join(Path(relative).with_suffix("").parts)
        self.tree = ast.parse(source, filename=relative)
        self.modules: dict[str, str] = {}  # local alias -> dotted module
        self.functions_from: dict[str, tuple[str, str]] = {}  # local name -> (module, function)
        self.tables: dict[str, str] = {}  # local name -> table name
        self.constants: dict[str, ast.expr] = {}
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if node.module == "medisecure.tables":
                        value = getattr(table_module, alias.name, None)
                        if isinstance(value, table_module.Table):
                            self.tables[local] = value.name
                    # `from medisecure import dynamo` names a module;
                    # `from medisecure.dynamo import get` names a function.
                    self.modules[local] = f"{node.module}.{alias.name}"
                    self.functions_from[local] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self.modules[alias.asname or alias.name] = alias.name
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                self.constants[node.targets[0].id] = node.value

    def where(self, node: ast.AST) -> str:
        return f"{self.relative}:{node.lineno}"

    def functions(self):
        for node in ast.walk(self.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield node


def _client_factories(modules: list[_Module]) -> dict[tuple[str, str], str]:
    """(module, function) -> service, for functions that return a client:
    `aws.client("svc")` itself and the small wrappers around it."""
    factories = {("medisecure.aws", "client"): "*"}
    changed = True
    while changed:
        changed = False
        for module in modules:
            for function in module.functions():
                if (module.dotted, function.name) in factories:
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.Return) and node.value is not None:
                        service = _service_of(module, node.value, {}, factories)
                        if service:
                            factories[(module.dotted, function.name)] = service
                            changed = True
                            break
    return factories


def _called_function(module: _Module, func: ast.expr) -> tuple[str, str] | None:
    if isinstance(func, ast.Name):
        return module.functions_from.get(func.id, (module.dotted, func.id))
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in module.modules
    ):
        return (module.modules[func.value.id], func.attr)
    return None


def _service_of(module: _Module, expr: ast.expr, clients: dict[str, str], factories) -> str | None:
    if isinstance(expr, ast.Name):
        return clients.get(expr.id)
    if not isinstance(expr, ast.Call):
        return None
    target = _called_function(module, expr.func)
    service = factories.get(target) if target else None
    if service == "*":  # aws.client("svc")
        first = expr.args[0] if expr.args else None
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    return service


class _FunctionScan:
    """The calls one function makes, walking its statements in order so that
    `client = dynamo.client()` and `table = dynamo.name(PATIENTS)` are known
    where they are used."""

    def __init__(self, module: _Module, function: ast.AST, factories, helpers):
        self.module = module
        self.function = function
        self.factories = factories
        self.helpers = helpers
        self.clients: dict[str, str] = {}
        self.table_vars: dict[str, str] = {}
        self.keyword_dicts: dict[str, dict[str, ast.expr]] = {}  # kwargs = {...}; f(**kwargs)
        self.calls: list[Call] = []
        self.parametric: list[tuple[str, bool]] = []  # (operation, takes the caller's index)
        self.parameters = {arg.arg for arg in function.args.args + function.args.kwonlyargs}

    # --- resolving tables and indexes ---------------------------------
    def table_of(self, expr: ast.expr | None):
        """A table name, the marker "<param>" for a helper's `table`
        parameter, or None when the expression says nothing we can follow."""
        if isinstance(expr, ast.Name):
            if expr.id in self.module.tables:
                return self.module.tables[expr.id]
            if expr.id in self.table_vars:
                return self.table_vars[expr.id]
            if expr.id == "table" and "table" in self.parameters:
                return "<param>"
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            if self.module.modules.get(expr.value.id) == "medisecure.tables":
                value = getattr(table_module, expr.attr, None)
                return value.name if isinstance(value, table_module.Table) else None
        if isinstance(expr, ast.Call):
            target = _called_function(self.module, expr.func)
            if target and target[1] in TABLE_NAME_FUNCTIONS and expr.args:
                return self.table_of(expr.args[0])
        return None

    def indexes_of(self, expr: ast.expr | None) -> list[str | None] | None:
        if expr is None or (isinstance(expr, ast.Constant) and expr.value is None):
            return [None]
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return [expr.value]
        if isinstance(expr, ast.Name) and expr.id in self.module.constants:
            return self.indexes_of(self.module.constants[expr.id])
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
            mapping = self.module.constants.get(expr.value.id)
            if isinstance(mapping, ast.Dict):
                found = [self.indexes_of(value) for value in mapping.values]
                if all(found):
                    return [index for group in found for index in group]
        return None

    # --- the walk ---------------------------------------------------------
    def run(self) -> None:
        for node in self._in_order(self.function):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                self._remember(node.targets[0].id, node.value)
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.value is not None
            ):
                self._remember(node.target.id, node.value)
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Subscript)
            ):
                self._remember_key(node.targets[0], node.value)
            elif isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.Dict):
                self._transaction_entry(node)

    def _in_order(self, root):
        # ast.walk is breadth-first; assignments must be seen before later uses.
        for child in ast.iter_child_nodes(root):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue  # nested functions are scanned on their own
            yield child
            yield from self._in_order(child)

    def _remember(self, name: str, value: ast.expr) -> None:
        if isinstance(value, ast.Dict):
            self.keyword_dicts[name] = {
                key.value: item
                for key, item in zip(value.keys, value.values)
                if isinstance(key, ast.Constant)
            }
        service = _service_of(self.module, value, self.clients, self.factories)
        if service:
            self.clients[name] = service
            return
        table = self.table_of(value) if isinstance(value, ast.Call) else None
        if table:
            self.table_vars[name] = table

    def _remember_key(self, target: ast.Subscript, value: ast.expr) -> None:
        key = target.slice
        if (
            isinstance(target.value, ast.Name)
            and target.value.id in self.keyword_dicts
            and isinstance(key, ast.Constant)
        ):
            self.keyword_dicts[target.value.id][key.value] = value

    def _call(self, node: ast.Call) -> None:
        target = _called_function(self.module, node.func)
        if target and target[0] == DYNAMO_HELPERS and target[1] in PAIR_LIST_HELPERS:
            self._pair_list_call(node, PAIR_LIST_HELPERS[target[1]])
            return
        if target and target[0] == DYNAMO_HELPERS and target[1] == ITEM_READ:
            self._named_table_call(node, BATCH_OF_ITEM_READS["read_together"], ITEM_READ)
            return
        if target and target[0] == DYNAMO_HELPERS and target[1] in ENTRY_HELPERS:
            self._named_table_call(node, ENTRY_HELPERS[target[1]], target[1])
            return
        if target and target in self.helpers:
            self._helper_call(node, target)
            return
        if not isinstance(node.func, ast.Attribute):
            return
        service = _service_of(self.module, node.func.value, self.clients, self.factories)
        if not service:
            return
        method = node.func.attr
        if method in ("get_paginator", "generate_presigned_url") and node.args:
            first = node.args[0]
            method = first.value if isinstance(first, ast.Constant) else method
        operation = operations(service).get(method)
        if operation is None:
            return
        if service != "dynamodb":
            self.calls.append(Call(service, operation, where=self.module.where(node)))
            return
        if operation in ENTRY_AUTHORISED_OPERATIONS:
            return  # each entry is found as a transaction entry dict
        self._dynamodb_call(node, operation)

    def _keyword(self, node: ast.Call, name: str) -> ast.expr | None:
        for keyword in node.keywords:
            if keyword.arg == name:
                return keyword.value
            if keyword.arg is None and isinstance(keyword.value, ast.Name):  # **kwargs
                spread = self.keyword_dicts.get(keyword.value.id, {})
                if name in spread:
                    return spread[name]
        return None

    def _dynamodb_call(self, node: ast.Call, operation: str) -> None:
        table_expr = self._keyword(node, "TableName")
        if table_expr is not None:
            tables = [self.table_of(table_expr)]
        else:
            # BatchGetItem and friends name their tables inside RequestItems:
            # take the tables this function names.
            tables = sorted(set(self.table_vars.values())) or [None]
        for table in tables:
            if table == "<param>":  # a dynamo helper: its caller names table and index
                self.parametric.append((operation, False))
                continue
            indexes = self.indexes_of(self._keyword(node, "IndexName"))
            if table is None or indexes is None:
                raise ScanError(
                    f"{self.module.where(node)}: cannot tell which table or index {operation} touches"
                )
            for index in indexes:
                self.calls.append(Call("dynamodb", operation, table, index, self.module.where(node)))

    def _pair_list_call(self, node: ast.Call, operation: str) -> None:
        pairs = node.args[0] if node.args else None
        if isinstance(pairs, ast.ListComp):  # [(TABLE, key) for ...]
            elements = [pairs.elt]
        elif isinstance(pairs, (ast.List, ast.Tuple)):
            elements = pairs.elts
        else:
            raise ScanError(f"{self.module.where(node)}: cannot tell which tables {operation} reads")
        for pair in elements:
            table = self.table_of(pair.elts[0]) if isinstance(pair, ast.Tuple) and pair.elts else None
            if table is None or table == "<param>":
                raise ScanError(f"{self.module.where(node)}: cannot tell which table {operation} reads")
            self.calls.append(Call("dynamodb", operation, table, None, self.module.where(node)))

    def _named_table_call(self, node: ast.Call, operation: str, helper: str) -> None:
        """A call whose first argument (or `table=`) is the table it touches."""
        table = self.table_of(node.args[0] if node.args else self._keyword(node, "table"))
        if table is None:
            raise ScanError(f"{self.module.where(node)}: cannot tell which table dynamo.{helper} names")
        if table == "<param>":
            self.parametric.append((operation, False))
        else:
            self.calls.append(Call("dynamodb", operation, table, None, self.module.where(node)))

    def _helper_call(self, node: ast.Call, target: tuple[str, str]) -> None:
        helper = f"{target[0].rsplit('.', 1)[-1]}.{target[1]}"  # dynamo.query_page, repository._put
        table_expr = node.args[0] if node.args else self._keyword(node, "table")
        table = self.table_of(table_expr)
        if table is None:
            raise ScanError(f"{self.module.where(node)}: cannot tell which table {helper} touches")
        for operation, takes_index in self.helpers[target]:
            if table == "<param>":
                self.parametric.append((operation, takes_index))
                continue
            indexes = self.indexes_of(self._keyword(node, "index")) if takes_index else [None]
            if indexes is None:
                raise ScanError(f"{self.module.where(node)}: cannot tell which index {helper} queries")
            for index in indexes:
                self.calls.append(Call("dynamodb", operation, table, index, self.module.where(node)))

    def _transaction_entry(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values):
            if not (
                isinstance(key, ast.Constant)
                and key.value in TRANSACTION_ENTRIES
                and isinstance(value, ast.Dict)
            ):
                continue
            inner = {k.value: v for k, v in zip(value.keys, value.values) if isinstance(k, ast.Constant)}
            if "TableName" not in inner:
                continue
            operation = TRANSACTION_ENTRIES[key.value]
            table = self.table_of(inner["TableName"])
            if table is None:
                raise ScanError(
                    f"{self.module.where(node)}: cannot tell which table a {key.value} entry writes"
                )
            if table == "<param>":
                self.parametric.append((operation, False))
            else:
                self.calls.append(Call("dynamodb", operation, table, None, self.module.where(node)))


def _helper_summaries(modules: list[_Module], factories) -> dict[tuple[str, str], list[tuple[str, bool]]]:
    """What each helper that takes a `table` does to it, by (module,
    function): [(operation, takes the caller's `index=`)], to a fixed point
    because helpers call helpers. Every `medisecure.dynamo` helper counts
    (its callers must name a table the reading can follow); elsewhere, a
    function that touches the table it is given (a repository's own entry
    builder, `_put(CARE_TEAM, ...)`), so the table is read at its call."""
    summaries: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    changed = True
    while changed:
        changed = False
        for module in modules:
            for function in module.functions():
                parameters = {arg.arg for arg in function.args.args + function.args.kwonlyargs}
                if "table" not in parameters:
                    continue
                scan = _FunctionScan(module, function, factories, summaries)
                scan.run()
                takes_index = "index" in parameters
                found = sorted(
                    {(operation, takes_index and operation == "Query") for operation, _ in scan.parametric}
                )
                key = (module.dotted, function.name)
                if module.dotted != DYNAMO_HELPERS and not found:
                    continue
                if summaries.get(key) != found:
                    summaries[key] = found
                    changed = True
    return summaries


def _calls_of(modules: list[_Module], scanned: list[_Module]) -> set[Call]:
    factories = _client_factories(modules)
    helpers = _helper_summaries(modules, factories)
    found: set[Call] = set()
    for module in scanned:
        for function in module.functions():
            if module.dotted == DYNAMO_HELPERS and (
                function.name in PAIR_LIST_HELPERS
                or function.name in BATCH_OF_ITEM_READS
                or function.name in ENTRY_HELPERS
            ):
                continue
            scan = _FunctionScan(module, function, factories, helpers)
            scan.run()
            found.update(scan.calls)
    return found


def _project_modules() -> list[_Module]:
    return [_Module(path.relative_to(REPO).as_posix(), path.read_text()) for path in runtime_modules()]


def code_calls() -> set[Call]:
    """Every AWS call the runtime code makes (one Call per call site)."""
    modules = _project_modules()
    return _calls_of(modules, modules)


def scan_source(source: str, relative: str = "scanned/repository.py") -> set[Call]:
    """The calls one piece of source makes, read as if it were a module of
    the project (so it can use the project's helpers): for testing the scan."""
    extra = _Module(relative, source)
    return _calls_of(_project_modules() + [extra], [extra])
