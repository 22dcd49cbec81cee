"""csx: declarative, schema-checked extraction of CryoSPARC job facts.

The public API (see the README): extract, iter_extract, query, validate, flatten, and the error
classes of extractor.errors, whose base is CsxError."""

__version__ = "0.1.0"

from .api import extract, flatten, iter_extract, query, validate  # noqa: E402 (after __version__, which cli reads)
from .errors import (CsxError, DatasetError, FieldError, JobError, NoSpecError, RecordError,  # noqa: E402
                     SinkError, SpecError, UsageError)

__all__ = ["extract", "iter_extract", "query", "validate", "flatten", "CsxError", "DatasetError", "FieldError",
           "JobError", "NoSpecError", "RecordError", "SinkError", "SpecError", "UsageError"]
