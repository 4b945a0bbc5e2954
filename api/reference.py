"""The API reference page's content, read from the OpenAPI schema drf-spectacular generates.

The schema depends on the code alone, so it is built once per process, in the portal's
default language: its text (docstrings, help texts) is shown as it is, in English.
"""

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from drf_spectacular.generators import SchemaGenerator

SCHEMA_PREFIX = "#/components/schemas/"
RESPONSE_PREFIX = "#/components/responses/"


@dataclass(frozen=True)
class Field:
    """A parameter, or a field of a request or response body."""

    name: str
    type: str
    required: bool
    description: str
    location: str = ""  # parameters only: path, query, header or cookie


@dataclass(frozen=True)
class Response:
    status: str
    description: str


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    token_required: bool
    parameters: tuple[Field, ...]
    body: tuple[Field, ...]
    responses: tuple[Response, ...]  # those of this operation alone
    shared_responses: tuple[str, ...]  # statuses answered in the error shape
    result_is_page: bool
    result: tuple[Field, ...]

    @property
    def path_segments(self) -> list[str]:
        """The path cut after each slash, where a narrow screen may break the line."""
        return [segment for segment in re.split(r"(?<=/)", self.path) if segment]


@dataclass(frozen=True)
class Tag:
    name: str
    id: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Reference:
    title: str
    version: str
    description: str
    tags: tuple[Tag, ...]
    shared_responses: tuple[Response, ...]


def api_schema() -> dict:
    """The OpenAPI schema, as `manage.py spectacular` and `/api/schema/` make it."""
    with translation.override(settings.LANGUAGE_CODE):
        return SchemaGenerator().get_schema(request=None, public=True)


@functools.cache
def api_reference() -> Reference:
    """Every operation of the API, grouped by tag, with its references resolved."""
    return _Reader(api_schema()).reference()


class _Reader:
    def __init__(self, schema: dict):
        self.schema = schema
        components = schema.get("components", {})
        self.schemas = components.get("schemas", {})
        self.responses = components.get("responses", {})

    def reference(self) -> Reference:
        info = self.schema.get("info", {})
        tags: dict[str, list[Operation]] = {}
        shared: dict[str, str] = {}
        for path, methods in self.schema.get("paths", {}).items():
            for method, operation in methods.items():
                name = (operation.get("tags") or ["api"])[0]
                tags.setdefault(name, []).append(self.operation(path, method, operation))
                for status, response in operation.get("responses", {}).items():
                    if response.get("$ref", "").startswith(RESPONSE_PREFIX):
                        shared[status] = self.resolve(response).get("description", "")
        return Reference(
            title=info.get("title", ""),
            version=info.get("version", ""),
            description=info.get("description", ""),
            tags=tuple(
                Tag(name=name, id=f"tag-{slugify(name)}", operations=tuple(operations))
                for name, operations in tags.items()
            ),
            shared_responses=tuple(
                Response(status, description) for status, description in sorted(shared.items())
            ),
        )

    def operation(self, path: str, method: str, operation: dict) -> Operation:
        responses, shared = [], []
        for status, response in operation.get("responses", {}).items():
            if response.get("$ref", "").startswith(RESPONSE_PREFIX):
                shared.append(status)
            else:
                responses.append(Response(status, response.get("description", "")))
        body = self.fields(
            operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        )
        result_is_page, result = self.result(operation)
        return Operation(
            id=operation["operationId"],
            method=method.upper(),
            path=path,
            summary=operation.get("summary", ""),
            description=operation.get("description", ""),
            token_required={} not in operation.get("security", [{}]),
            parameters=tuple(
                Field(
                    name=parameter["name"],
                    location=parameter["in"],
                    type=self.type(parameter.get("schema", {})),
                    required=parameter.get("required", False),
                    description=parameter.get("description")
                    or self.description(parameter.get("schema", {})),
                )
                for parameter in map(self.resolve, operation.get("parameters", []))
            ),
            body=body,
            responses=tuple(responses),
            shared_responses=tuple(shared),
            result_is_page=result_is_page,
            result=result,
        )

    def result(self, operation: dict) -> tuple[bool, tuple[Field, ...]]:
        """The first success response's fields; for a page of a list, its items' fields."""
        for status, response in operation.get("responses", {}).items():
            if not status.startswith("2"):
                continue
            content = self.resolve(response).get("content", {}).get("application/json", {})
            schema = self.resolve(content.get("schema", {}))
            results = schema.get("properties", {}).get("results", {})
            if "count" in schema.get("properties", {}) and "$ref" in results.get("items", {}):
                return True, self.fields({"schema": results["items"]})
            return False, self.fields(content)
        return False, ()

    def fields(self, content: dict) -> tuple[Field, ...]:
        """A JSON body's fields, and those of the objects it holds, one level in."""
        schema = self.resolve(content.get("schema", {}))
        fields = []
        for name, prop, required in self.properties(schema):
            fields.append(self.field(name, prop, required))
            inner = prop.get("items", prop) if prop.get("type") == "array" else prop
            nested = self.resolve(inner)
            if "$ref" in inner and "properties" in nested:
                prefix = f"{name}[]." if inner is not prop else f"{name}."
                fields.extend(
                    self.field(prefix + inner_name, inner_prop, inner_required)
                    for inner_name, inner_prop, inner_required in self.properties(nested)
                )
        return tuple(fields)

    @staticmethod
    def properties(schema: dict):
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            yield name, prop, name in required

    def field(self, name: str, prop: dict, required: bool) -> Field:
        return Field(
            name=name, type=self.type(prop), required=required, description=self.description(prop)
        )

    def type(self, schema: dict) -> str:
        """The type in OpenAPI's words: `integer`, `string (date-time)`, `array[Answer]`…"""
        if "$ref" in schema:
            target = self.resolve(schema)
            if "enum" in target:
                return target.get("type") or ("null" if target["enum"] == [None] else "string")
            return schema["$ref"].rsplit("/", 1)[-1]
        for combined in ("allOf", "oneOf", "anyOf"):
            if combined in schema:
                parts = dict.fromkeys(self.type(part) for part in schema[combined])
                label = " | ".join(parts)
                break
        else:
            label = schema.get("type", "object" if "properties" in schema else "any")
            if label == "array":
                label = f"array[{self.type(schema.get('items', {}))}]"
            elif "format" in schema:
                label = f"{label} ({schema['format']})"
        if schema.get("nullable") and not label.endswith("null"):
            label += " | null"
        return label

    def description(self, schema: dict) -> str:
        """A field's own description, or that of the set of choices it refers to."""
        if schema.get("description"):
            return schema["description"]
        for part in [schema, *schema.get("allOf", []), *schema.get("oneOf", [])]:
            if "$ref" in part and self.resolve(part).get("description"):
                return self.resolve(part)["description"]
        return ""

    def resolve(self, item: dict) -> dict:
        reference = item.get("$ref", "")
        if reference.startswith(SCHEMA_PREFIX):
            return self.schemas.get(reference.removeprefix(SCHEMA_PREFIX)) or {}
        if reference.startswith(RESPONSE_PREFIX):
            return self.responses.get(reference.removeprefix(RESPONSE_PREFIX)) or {}
        return item
