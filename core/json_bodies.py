"""JSON request bodies are bounded before anything parses them.

Flask-WTF and the JSON endpoints call `request.get_json()`; a body nested thousands of
levels deep makes Python's decoder raise RecursionError (a 500), and a huge one costs
memory. One check for every route: size, depth, syntax and NUL (PostgreSQL refuses NUL in
text, and "\\u0000" decodes to one), each refused with a 400 that names the body.
"""

from __future__ import annotations

import json

from flask import Flask, jsonify, request

MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest, counting brackets outside strings (no parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def body_problem() -> str | None:
    """Why this request's JSON body is refused, or None when it may be read."""
    if request.content_length and request.content_length > MAX_JSON_BYTES:
        return f"The JSON body is larger than {MAX_JSON_BYTES // 1024} KB."
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:
        return f"The JSON body is larger than {MAX_JSON_BYTES // 1024} KB."
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "The JSON body is not UTF-8."
    if not text.strip():
        return None
    if nesting_depth(text) > MAX_JSON_DEPTH:
        return f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels."
    if "\x00" in text or "\\u0000" in text:
        return "The JSON body contains a NUL character."
    try:
        json.loads(text)
    except ValueError as error:
        return f"The JSON body is not valid JSON: {error}."
    return None


def register(app: Flask) -> None:
    @app.before_request
    def bound_json_bodies():
        if not request.is_json or request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        problem = body_problem()
        if problem is None:
            return None
        from .api import error_json, is_api_path

        if is_api_path(request.path):
            return error_json(400, problem, "body", code="invalid_json")
        return jsonify({"error": problem, "field": "body", "status": 400}), 400
