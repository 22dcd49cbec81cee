"""From a job handle to its context: read the document, find its layout."""

from ..language.layouts import detect_layout
from ..sources import JobHandle
from .context import JobContext


def open_job(handle: JobHandle, layouts: dict) -> JobContext:
    document = handle.load()
    layout = detect_layout(layouts, document.doc, document.origin)
    return JobContext(document, layout)
