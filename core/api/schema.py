"""drf-spectacular hooks: document the error answers every operation can give."""

_ERROR = {
    "description": "",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "additionalProperties": True,
                "description": "`detail`, or field names with lists of messages",
            }
        }
    },
}
_ERRORS = {
    "400": "Invalid input: field errors by field name",
    "401": "Not signed in (token authentication)",
    "403": "Not signed in, or the caller's role does not allow it",
    "404": "Not found, or outside the caller's scope",
}


_BODY_ERRORS = {"413": "Request body too large (over DATA_UPLOAD_MAX_MEMORY_SIZE)"}


def add_error_responses(result, generator, request, public):
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            errors = {**_ERRORS, **_BODY_ERRORS} if "requestBody" in operation else _ERRORS
            for code, description in errors.items():
                responses.setdefault(code, {**_ERROR, "description": description})
    return result
