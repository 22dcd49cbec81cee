"""The JobContext: one job's document, seen through its layout, and the
object that spec expressions are evaluated over."""

from .errors import DatasetError
from .layouts import Layout
from .registry import JobKey
from .sources import JobDocument


class JobContext:
    def __init__(self, document: JobDocument, layout: Layout):
        self.document = document
        self.layout = layout
        self.identity = layout.identify(document.doc)
        project = dict(document.project)
        project["uid"] = project.get("uid") or self.identity["project_uid"]
        self.project = project

    @property
    def doc(self) -> dict:
        return self.document.doc

    @property
    def origin(self) -> str:
        return self.document.origin

    @property
    def project_dir(self) -> str:
        return self.document.project_dir

    @property
    def key(self) -> JobKey:
        return JobKey(self.layout.name, self.identity["type"], self.identity["version"])

    def param(self, name: str):
        return self.layout.param(self.doc, name)

    def results_of(self, output: str) -> list:
        results = self.layout.results_of(self.doc, output)
        if not results:
            outputs = ", ".join(self.layout.output_names(self.doc)) or "none"
            raise DatasetError(f"{self.origin}: the job has no output {output!r} (its outputs: {outputs})")
        return results

    def scope(self, datasets: dict) -> dict:
        return {"job": self.doc, "project": self.project, "datasets": datasets, "source": self.document.source}
