"""drf-spectacular additions: every operation documents the API's error responses."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_RESPONSES = {
    "400": "The request was refused: see `message` and the field `errors`.",
    "401": "No valid token or session.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object, or not one you may see.",
    "405": "This method is not allowed here.",
    "429": "Too many requests: wait for the number of seconds in `Retry-After`.",
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made under Your account → API tokens.",
        }


def add_error_responses(result, generator, request, public):
    """Document the error shape for every status an operation can answer with."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = {
        "type": "object",
        "properties": {
            "message": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
                "description": "Field name to messages; `non_field_errors` for the whole request.",
            },
        },
        "required": ["message", "errors"],
    }
    responses = components.setdefault("responses", {})
    for code, description in ERROR_RESPONSES.items():
        responses[f"Error{code}"] = {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            operation_responses = operation.setdefault("responses", {})
            for code in ERROR_RESPONSES:
                operation_responses.setdefault(
                    code, {"$ref": f"#/components/responses/Error{code}"}
                )
    return result
