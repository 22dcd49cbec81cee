"""Records against their JSON Schemas: jsonschema where a message is wanted
(lint, validate, the first error of a record), a compiled check for the
many records a run makes."""
