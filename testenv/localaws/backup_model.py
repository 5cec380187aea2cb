"""The AWS Backup wire format, read from botocore's service model.

Routing by the operations' ``requestUri`` templates, reading input members by location
(uri, querystring, header, body), validating them against the input shape
(``botocore.validate.ParamValidator`` plus a pass for ``enum``, ``max`` and ``pattern``),
and serialising output shapes as rest-json (timestamps as epoch seconds).
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

import botocore.session
from botocore.model import OperationModel, Shape
from botocore.validate import ParamValidator


class BackupError(Exception):
    """A rest-json error response: error code (the modelled exception name), HTTP status, message."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern
    literal_length: int
    operation: OperationModel
    required_query: tuple[str, ...]


def _route_for(op: OperationModel) -> Route:
    uri = op.http["requestUri"]
    path, _, query = uri.partition("?")
    regex, literal = "", 0
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{"):
            name = piece[1:-1]
            greedy = name.endswith("+")
            name = name.rstrip("+")
            regex += f"(?P<{re.sub(r'[^0-9A-Za-z_]', '_', name)}>{'.+' if greedy else '[^/]+'})"
        else:
            regex += re.escape(piece)
            literal += len(piece)
    required = tuple(q.partition("=")[0] for q in query.split("&") if q)
    return Route(op.http["method"], re.compile("^" + regex + "$"), literal, op, required)


class BackupModel:
    """Routes, parses, validates and serialises the Backup service's operations."""

    def __init__(self) -> None:
        self.service = botocore.session.get_session().get_service_model("backup")
        routes = [_route_for(self.service.operation_model(n)) for n in self.service.operation_names]
        # Literal segments win over labels (e.g. /backup-jobs/ before /backup-jobs/{id}).
        self.routes = sorted(routes, key=lambda r: -r.literal_length)
        self.validator = ParamValidator()

    def route(self, method: str, raw_path: str, query: dict) -> tuple[OperationModel, dict[str, str]]:
        """Find the operation for a request; raise ``BackupError`` 404/405 when none fits."""
        path_matched = False
        for route in self.routes:
            match = route.pattern.match(raw_path)
            if not match or any(q not in query for q in route.required_query):
                continue
            path_matched = True
            if route.method == method:
                return route.operation, {k: unquote(v) for k, v in match.groupdict().items()}
        if path_matched:
            raise BackupError("MethodNotAllowedException", f"{method} is not allowed on {raw_path}", 405)
        raise BackupError("UnknownOperationException", f"no AWS Backup operation matches {method} {raw_path}", 404)

    # -- input -------------------------------------------------------------------------

    def parse_input(self, op: OperationModel, labels: dict, raw_query: str, header_values, body: bytes) -> dict:
        """Read every input member from its location into a params dict (wire types kept
        when they do not convert, so that validation reports them)."""
        shape = op.input_shape
        params: dict = {}
        if shape is None:
            return params
        query_pairs = parse_qsl(raw_query, keep_blank_values=True)
        body_members = {}
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            if location == "uri":
                key = re.sub(r"[^0-9A-Za-z_]", "_", wire_name)
                if key in labels:
                    params[name] = _convert_scalar(labels[key], member)
            elif location == "querystring":
                values = [v for k, v in query_pairs if k == wire_name]
                if values:
                    if member.type_name == "list":
                        params[name] = [_convert_scalar(v, member.member) for v in values]
                    else:
                        params[name] = _convert_scalar(values[0], member)
            elif location == "header":
                values = header_values(wire_name)
                if values:
                    params[name] = _convert_scalar(values[0], member)
            else:
                body_members[member.serialization.get("name", name)] = name
        if body_members:
            document = {}
            if body.strip():
                try:
                    document = json.loads(body)
                except ValueError as error:
                    raise BackupError("SerializationException", f"request body is not JSON: {error}")
                if not isinstance(document, dict):
                    raise BackupError("SerializationException", "request body is not a JSON object")
            for key, value in document.items():
                params[body_members.get(key, key)] = value
        elif body.strip():
            raise BackupError("SerializationException", f"{op.name} takes no request body")
        return params

    def validate_input(self, op: OperationModel, params: dict) -> None:
        """Raise ``MissingParameterValueException`` / ``InvalidParameterValueException``."""
        shape = op.input_shape
        if shape is None:
            return
        report = self.validator.validate(params, shape)
        if report.has_errors():
            kinds = {error[0] for error in report._errors}
            code = "MissingParameterValueException" if kinds == {"missing required field"} else "InvalidParameterValueException"
            raise BackupError(code, report.generate_report())
        problems: list[str] = []
        _constraints(params, shape, "", problems)
        if problems:
            raise BackupError("InvalidParameterValueException", "; ".join(problems))

    # -- output ------------------------------------------------------------------------

    def validate_output(self, op: OperationModel, result: dict) -> list[str]:
        """Problems with a response value against the output shape (empty when valid)."""
        shape = op.output_shape
        if shape is None:
            return [] if not result else ["operation has no output shape"]
        report = self.validator.validate(result, shape)
        problems = [report.generate_report()] if report.has_errors() else []
        _constraints(result, shape, "", problems)
        return problems

    def serialize_output(self, op: OperationModel, result: dict) -> tuple[int, dict, bytes]:
        """rest-json response: status code, headers, body (no body for a 204)."""
        status = int(op.http.get("responseCode", 200))
        headers = {"Content-Type": "application/json"}
        shape = op.output_shape
        if shape is None or status == 204:
            return status, headers, b""
        document = {}
        for name, member in shape.members.items():
            if name not in result:
                continue
            location = member.serialization.get("location")
            if location == "header":
                headers[member.serialization.get("name", name)] = str(result[name])
            elif location == "statusCode":
                status = int(result[name])
            else:
                document[member.serialization.get("name", name)] = _to_wire(result[name], member)
        return status, headers, json.dumps(document).encode()


def _convert_scalar(text: str, shape: Shape):
    if shape.type_name in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            return text
    if shape.type_name == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if shape.type_name in ("double", "float"):
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _to_wire(value, shape: Shape):
    if shape.type_name == "timestamp":
        if isinstance(value, datetime.datetime):
            return value.timestamp()
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {
            shape.members[k].serialization.get("name", k) if k in shape.members else k:
                _to_wire(v, shape.members[k]) if k in shape.members else v
            for k, v in value.items()
        }
    if shape.type_name == "list" and isinstance(value, list):
        return [_to_wire(v, shape.member) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _to_wire(v, shape.value) for k, v in value.items()}
    return value


def _constraints(value, shape: Shape, path: str, problems: list[str]) -> None:
    """The checks ParamValidator leaves out: enum, max, pattern (recursively)."""
    meta = shape.metadata
    label = path or "input"
    if shape.type_name == "string" and isinstance(value, str):
        if shape.enum and value not in shape.enum:
            problems.append(f"{label}: '{value}' is not one of {shape.enum}")
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{label}: length {len(value)} exceeds max {meta['max']}")
        if "pattern" in meta:
            try:
                regex = re.compile(meta["pattern"])
            except re.error:
                regex = None
            if regex is not None and not regex.search(value):
                problems.append(f"{label}: '{value}' does not match pattern {meta['pattern']}")
    elif shape.type_name in ("integer", "long") and isinstance(value, int) and not isinstance(value, bool):
        if "max" in meta and value > meta["max"]:
            problems.append(f"{label}: {value} exceeds max {meta['max']}")
    elif shape.type_name == "structure" and isinstance(value, dict):
        for key, item in value.items():
            if key in shape.members:
                _constraints(item, shape.members[key], f"{path}.{key}" if path else key, problems)
    elif shape.type_name == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{label}: {len(value)} items exceed max {meta['max']}")
        for index, item in enumerate(value):
            _constraints(item, shape.member, f"{label}[{index}]", problems)
    elif shape.type_name == "map" and isinstance(value, dict):
        if "max" in meta and len(value) > meta["max"]:
            problems.append(f"{label}: {len(value)} entries exceed max {meta['max']}")
        for key, item in value.items():
            _constraints(key, shape.key, f"{label} key", problems)
            _constraints(item, shape.value, f"{label}[{key}]", problems)
