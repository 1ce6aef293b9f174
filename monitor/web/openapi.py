"""The OpenAPI 3.1 document served at /api/openapi.json (written by hand: the API is small, and a
document kept beside the routes says exactly what they promise)."""

from __future__ import annotations

from typing import Any


def _get(
    summary: str, description: str, params: list[dict] | None = None, schema: str = "Object"
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "description": description,
            "parameters": params or [],
            "responses": {
                "200": {
                    "description": "OK (with an ETag)",
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                    },
                },
                "304": {"description": "Not modified (If-None-Match matched the ETag)"},
                "400": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"},
                "503": {"$ref": "#/components/responses/Error"},
            },
        }
    }


def _param(
    name: str, where: str, description: str, type_: str = "string", required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": {"type": type_},
    }


CLAIM_ID = _param("id", "path", "the claim id (e.g. i4-convertible-na3)")


def document(version: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "monitor",
            "version": version,
            "description": "Read models of the monitor's event log: claims, changes, feeds and "
            "the log itself. Reads carry an ETag and answer 304 to If-None-Match; errors are "
            '{"error": {"status": N, "message": "..."}}.',
        },
        "paths": {
            "/api/claims": _get(
                "Every claim",
                "The current claims with their last change, the "
                "time their status holds since, and its confidence; the ETag is "
                "the log's head position.",
                schema="Claims",
            ),
            "/api/claims/{id}": _get(
                "One claim", "The current state of one claim.", [CLAIM_ID], schema="Claim"
            ),
            "/api/claims/{id}/history": _get(
                "A claim's events",
                "Every event of the claim, oldest first, with evidence.",
                [CLAIM_ID],
            ),
            "/api/claims/{id}/corrections": {
                "post": {
                    "summary": "Correct a claim",
                    "description": "Appends a ClaimCorrected event. Needs "
                    "`Authorization: Bearer <MONITOR_WEB_TOKEN>`.",
                    "parameters": [CLAIM_ID],
                    "security": [{"token": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["reason"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "status": {"type": "string"},
                                        "value": {"type": "string"},
                                        "clear_value": {"type": "boolean"},
                                        "reason": {"type": "string", "minLength": 1},
                                        "by": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {"description": "the recorded event"},
                        "400": {"$ref": "#/components/responses/Error"},
                        "401": {"$ref": "#/components/responses/Error"},
                        "403": {"$ref": "#/components/responses/Error"},
                        "404": {"$ref": "#/components/responses/Error"},
                        "409": {"$ref": "#/components/responses/Error"},
                    },
                }
            },
            "/api/changes": _get(
                "Changes",
                "Status and value changes and corrections after `since`, oldest "
                "first, at most `limit`; `next` is the position to pass as `since` for more.",
                [
                    _param("since", "query", "a log position, an ISO date or time, or 7d/12h"),
                    _param("limit", "query", "1-1000 (default 100)", "integer"),
                    _param("claim", "query", "only this claim's changes"),
                ],
            ),
            "/api/events": _get(
                "The log",
                "Events after a position, in log order, with their hashes; `next` is "
                "the `after` for the following page (null at the end).",
                [
                    _param("after", "query", "a log position (default 0)", "integer"),
                    _param("limit", "query", "1-1000 (default 100)", "integer"),
                ],
            ),
            "/api/feeds": _get("Feeds", "Subscribed feeds with their health."),
            "/api/health": _get(
                "Health",
                "200 when the database answers, with the head position; 503 when it does not.",
            ),
        },
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "responses": {
                "Error": {
                    "description": "an error with a message for a person",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
            "schemas": {
                "Object": {"type": "object"},
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["status", "message"],
                            "properties": {
                                "status": {"type": "integer"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
                "Claim": {
                    "type": "object",
                    "required": ["id", "subject", "status"],
                    "properties": {
                        "id": {"type": "string"},
                        "subject": {"type": "string"},
                        "status": {"type": "string"},
                        "value": {"type": ["string", "null"]},
                        "evidence": {"type": "string"},
                        "evidence_link": {"type": "string"},
                        "since": {"type": ["string", "null"]},
                        "confidence": {"type": ["number", "null"]},
                        "last_change": {"type": ["object", "null"]},
                        "position": {"type": "integer"},
                    },
                },
                "Claims": {
                    "type": "object",
                    "properties": {
                        "position": {"type": "integer"},
                        "count": {"type": "integer"},
                        "claims": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Claim"},
                        },
                    },
                },
            },
        },
    }
