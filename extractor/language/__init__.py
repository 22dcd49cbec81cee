"""The spec language: spec files and the YAML lines they came from, JMESPath
expressions and csx's functions, document layouts, the registry that chooses
a job's spec (and its cache), and dataset columns as expressions see them.
It knows no job run and no command line."""
