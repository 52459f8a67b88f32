"""The API's reference page: every endpoint of the OpenAPI schema, rendered on the server.

No Swagger UI: it would need its JavaScript bundle vendored and a looser Content-Security-
Policy, and a plain page reads as well with a keyboard or a screen reader. The schema itself
is at /api/v1/schema/ for tools (``?format=json`` for JSON).
"""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@cache
def schema() -> dict:
    """The OpenAPI document (the same for every reader: it describes, it holds no data)."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _fields(body: dict | None, components: dict) -> tuple[str, list[dict]]:
    """(name, fields) of a JSON body's schema, following one $ref and a page's ``results``."""
    if not body:
        return "", []
    media = body.get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in media:
        name = _ref_name(media["$ref"])
        media = components.get(name, {})
    else:
        name = ""
    items = media.get("properties", {}).get("results", {}).get("items")
    if items and "$ref" in items:
        name = f"page of {_ref_name(items['$ref'])}"
        media = components.get(_ref_name(items["$ref"]), {})
    if media.get("type") == "array" and "$ref" in media.get("items", {}):
        name = f"list of {_ref_name(media['items']['$ref'])}"
        media = components.get(_ref_name(media["items"]["$ref"]), {})
    required = set(media.get("required", ()))
    fields = []
    for field, spec in media.get("properties", {}).items():
        kind = spec.get("type") or (_ref_name(spec["$ref"]) if "$ref" in spec else "")
        if not kind and "allOf" in spec:
            kind = _ref_name(spec["allOf"][0].get("$ref", ""))
        if kind == "array":
            inner = spec.get("items", {})
            kind = f"list of {inner.get('type') or _ref_name(inner.get('$ref', ''))}"
        fields.append(
            {
                "name": field,
                "type": kind,
                "description": spec.get("description", ""),
                "required": field in required,
                "read_only": spec.get("readOnly", False),
            }
        )
    return name, fields


@cache
def endpoints() -> list[dict]:
    document = schema()
    components = document.get("components", {}).get("schemas", {})
    found = []
    for route, operations in document.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            ok = next(
                (operation["responses"][code] for code in ("200", "201") if code in operation["responses"]),
                None,
            )
            request_name, request_fields = _fields(operation.get("requestBody"), components)
            response_name, response_fields = _fields(ok, components)
            found.append(
                {
                    "id": operation.get("operationId", f"{method}-{route}"),
                    "method": method.upper(),
                    "path": route,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "type": p.get("schema", {}).get("type", ""),
                            "enum": p.get("schema", {}).get("enum", []),
                            "description": p.get("description", ""),
                            "required": p.get("required", False),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "request_name": request_name,
                    "request_fields": request_fields,
                    "response_name": response_name,
                    "response_fields": response_fields,
                    "writes": method != "get",
                }
            )
    return found


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "api/docs.html",
        {"endpoints": endpoints(), "info": schema().get("info", {})},
    )
