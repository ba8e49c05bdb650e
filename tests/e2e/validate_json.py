#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validate JSON documents against a JSON Schema (draft 2020-12).

Usage: validate_json.py SCHEMA FILE...
Uses the `jsonschema` package when it is installed (Debian: python3-jsonschema);
otherwise a small validator for the keywords docs/*-schema.json use ($ref to
#/$defs, type, const, enum, pattern, minimum, maximum, minLength, required,
properties, additionalProperties, items, anyOf, oneOf, allOf, if/then).
Exit 0 when every document is valid, 1 otherwise.
"""
import json
import re
import sys


def _types(t):
    return t if isinstance(t, list) else [t]


def _is(v, t):
    if t == "null":
        return v is None
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "string":
        return isinstance(v, str)
    if t == "array":
        return isinstance(v, list)
    if t == "object":
        return isinstance(v, dict)
    raise ValueError("type " + t)


def mini_validate(root, schema, v, path="$"):
    """Yield error strings."""
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        node = root
        for part in ref[2:].split("/"):
            node = node[part]
        yield from mini_validate(root, node, v, path)
    if "type" in schema and not any(_is(v, t) for t in _types(schema["type"])):
        yield f"{path}: {v!r} is not of type {schema['type']}"
        return
    if "const" in schema and v != schema["const"]:
        yield f"{path}: {v!r} != {schema['const']!r}"
    if "enum" in schema and v not in schema["enum"]:
        yield f"{path}: {v!r} not in {schema['enum']}"
    if isinstance(v, str):
        if "pattern" in schema and not re.search(schema["pattern"], v):
            yield f"{path}: {v!r} does not match {schema['pattern']}"
        if "minLength" in schema and len(v) < schema["minLength"]:
            yield f"{path}: too short"
    if _is(v, "number"):
        if "minimum" in schema and v < schema["minimum"]:
            yield f"{path}: {v} < {schema['minimum']}"
        if "maximum" in schema and v > schema["maximum"]:
            yield f"{path}: {v} > {schema['maximum']}"
    if isinstance(v, dict):
        for k in schema.get("required", []):
            if k not in v:
                yield f"{path}: missing {k}"
        props = schema.get("properties", {})
        for k, sub in props.items():
            if k in v:
                yield from mini_validate(root, sub, v[k], f"{path}.{k}")
        if schema.get("additionalProperties") is False:
            for k in v:
                if k not in props:
                    yield f"{path}: unexpected property {k}"
    if isinstance(v, list) and "items" in schema:
        for i, item in enumerate(v):
            yield from mini_validate(root, schema["items"], item, f"{path}[{i}]")
    for key in ("anyOf", "oneOf"):
        if key in schema:
            ok = [not list(mini_validate(root, s, v, path)) for s in schema[key]]
            if key == "anyOf" and not any(ok):
                yield f"{path}: matches none of anyOf"
            if key == "oneOf" and sum(ok) != 1:
                yield f"{path}: matches {sum(ok)} of oneOf"
    for s in schema.get("allOf", []):
        yield from mini_validate(root, s, v, path)
    if "if" in schema:
        if not list(mini_validate(root, schema["if"], v, path)):
            if "then" in schema:
                yield from mini_validate(root, schema["then"], v, path)


def main():
    schema = json.load(open(sys.argv[1]))
    try:
        import jsonschema  # noqa: F401
        from jsonschema import Draft202012Validator
        validator = Draft202012Validator(schema)
        Draft202012Validator.check_schema(schema)
        from importlib import metadata
        engine = "jsonschema " + metadata.version("jsonschema")

        def errors(doc):
            return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]
    except ImportError:
        engine = "built-in validator"

        def errors(doc):
            return list(mini_validate(schema, schema, doc))

    bad = 0
    for name in sys.argv[2:]:
        doc = json.load(open(name))
        errs = errors(doc)
        if errs:
            bad += 1
            print(f"{name}: INVALID ({engine})")
            for e in errs[:20]:
                print("  " + e)
        else:
            print(f"{name}: valid ({engine})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
