"""The JobContext: one job's document, seen through its layout, and the
object that spec expressions are evaluated over.

What the layout reads is checked here, once: a document csx did not make may
hold anything anywhere, and a wrong type fails the job with one line naming
the field rather than a traceback further on. The job's identity must agree
with where the document was found, so that a record is never filed under
another job's uid.
"""

from jmespath.exceptions import JMESPathError

from ..errors import DatasetError, ForeignJobError, JobError, json_type, shown
from ..language.functions import error_text
from ..language.layouts import Layout
from ..language.registry import JobKey
from ..sources import JobDocument
from ..sources.mapfiles import MapError, map_stats
from ..uids import is_job_uid, is_project_uid

# identity key -> the types its value may have, and their name in messages
IDENTITY_TYPES = {
    "uid": ((str,), "a string"),
    "project_uid": ((str,), "a string"),
    "type": ((str,), "a string"),
    "status": ((str,), "a string"),
    "version": ((str, type(None)), "a string or null"),
    "updated": ((str, int, float, type(None)), "a date or null"),  # a date, or the milliseconds of one
}


class JobContext:
    def __init__(self, document: JobDocument, layout: Layout):
        self.document = document
        self.layout = layout
        self.identity = self._identity()
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

    def _read(self, what: str, read, *args):
        """A layout read, with an expression that fails on this document as one line naming it."""
        try:
            return read(self.doc, *args)
        except JMESPathError as exc:
            raise JobError(f"{self.origin}: {what} cannot be read ({error_text(exc)}; layout {self.layout.name}, "
                           f"{self.layout.file})") from exc

    def _identity(self) -> dict:
        identity = self._read("the job's identity", self.layout.identify)
        for key, (types, wanted) in IDENTITY_TYPES.items():
            value = identity.get(key)
            if not isinstance(value, types) or isinstance(value, bool):
                raise JobError(f"{self.origin}: the job's {key} ({self.layout.identity[key].expression}) is "
                               f"{json_type(value)}, not {wanted}")
        uid, puid = identity["uid"], identity["project_uid"]
        if not is_job_uid(uid):
            raise JobError(f"{self.origin}: the job's uid {shown(uid)} is not a job uid (J followed by digits)")
        if not is_project_uid(puid):
            raise JobError(f"{self.origin}: the job's project_uid {shown(puid)} is not a project uid "
                           "(P followed by digits)")
        expected_uid, expected_puid = self.document.uid, self.document.project.get("uid")
        if expected_uid is not None and uid != expected_uid:
            raise JobError(f"{self.origin}: its document is job {uid}, not {expected_uid}; csx files a "
                           "record only under the job's own uid")
        if expected_puid is not None and puid != expected_puid:
            raise ForeignJobError(f"{self.origin}: its document is of project {puid}, not {expected_puid}; csx "
                                  "files a record only under the job's own project", puid)
        return identity

    def param(self, name: str):
        return self.layout.param(self.doc, name)

    def output_names(self) -> list:
        names = self._read(f"the job's outputs ({self.layout.outputs.expression})", self.layout.output_names)
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise JobError(f"{self.origin}: the job's outputs ({self.layout.outputs.expression}) are not a list "
                           "of names")
        return names

    def results_of(self, output: str) -> list:
        """[{name, metafiles, passthrough}] of one output, each checked; DatasetError when there is no such output."""
        results = self._read(f"output {output!r}", self.layout.results_of, output)
        if not results:
            names = self.output_names()
            if output in names:
                raise DatasetError(f"{self.origin}: output {output!r} lists no results "
                                   f"({self.layout.results_expression(output).expression})")
            raise DatasetError(f"{self.origin}: the job has no output {output!r} (its outputs: "
                               f"{', '.join(names) or 'none'})")
        if not isinstance(results, list):
            raise JobError(f"{self.origin}: the results of output {output!r} are {json_type(results)}, not a list")
        for result in results:
            _check_result(result, f"{self.origin}: output {output!r}")
        return results

    # How jobs link, for related jobs: each read checked, as a walk keys and adds what it finds.

    def input_names(self) -> list:
        names = self._read(f"the job's inputs ({self.layout.links.get('inputs')})", self.layout.input_names)
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise JobError(f"{self.origin}: the job's inputs ({self.layout.links['inputs']}) are not a list of names")
        return names

    def connections(self, input_name: str) -> list:
        """[{job_uid, output, slots}] connected to one input: the parent job and output of the connection, and
        in `slots` those of each of its slots (a slot may name another job: v4 ConnectionSlot.job_uid, v5
        InputResult.job_uid), [] where the layout reads none. Each checked."""
        found = self._read(f"input {input_name!r}", self.layout.connections, input_name)
        where = f"{self.origin}: the connections of input {shown(input_name)} ({self.layout.links['connections']})"
        if not isinstance(found, list) or not all(_is_link(c) for c in found):
            raise JobError(f"{where} are not a list of job uids and output names")
        for connection in found:
            slots = connection.get("slots")
            if slots is None:
                connection["slots"] = []
            elif not isinstance(slots, list) or not all(_is_link(slot) for slot in slots):
                raise JobError(f"{where}: the slots of the connection to {shown(connection['job_uid'])} are not a "
                               "list of job uids and output names")
        return found

    def output_items(self, output: str):
        items = self._read(f"output {output!r}", self.layout.output_items, output)
        if items is not None and (not isinstance(items, int) or isinstance(items, bool)):
            raise JobError(f"{self.origin}: the number of items of output {output!r} "
                           f"({self.layout.links['output_items']}) is {json_type(items)}, not an integer")
        return items

    def map_stats(self, relative: str, mask_relative: str | None):
        """{min, median, max, voxels, masked} of the values of a map of the project (inside the mask, when one
        is given); None when the map is not there. Raises DatasetError naming the file."""
        try:
            return map_stats(self.project_dir, relative, mask_relative)
        except MapError as exc:
            raise DatasetError(f"map {exc}") from exc  # the field's error names the job

    def is_deleted(self) -> bool:
        return bool(self._read("whether the job is deleted", self.layout.is_deleted))

    def scope(self, datasets: dict) -> dict:
        return {"job": self.doc, "project": self.project, "datasets": datasets, "source": self.document.source}


def _is_link(link) -> bool:
    return isinstance(link, dict) and isinstance(link.get("job_uid"), str) and isinstance(link.get("output"), str)


def _check_result(result, where: str):
    if not isinstance(result, dict):
        raise JobError(f"{where}: a result is {json_type(result)}, not an object")
    name, metafiles, passthrough = result.get("name"), result.get("metafiles"), result.get("passthrough")
    if not isinstance(name, str):
        raise JobError(f"{where}: a result's name is {json_type(name)}, not a string")
    if not isinstance(metafiles, (list, type(None))):
        raise JobError(f"{where}: the metafiles of result {shown(name)} are {json_type(metafiles)}, not a list of "
                       "file names")
    for metafile in metafiles or ():
        if not isinstance(metafile, str):
            raise JobError(f"{where}: a metafile of result {shown(name)} is {json_type(metafile)}, not a file name")
    if not isinstance(passthrough, (bool, type(None))):
        raise JobError(f"{where}: the passthrough of result {shown(name)} is {json_type(passthrough)}, not true "
                       "or false")
