"""The custom JMESPath functions of csx, registered the way jmespath.py does
it: `_func_<name>` methods with a `@signature` on a `Functions` subclass.

Each one says something plain JMESPath cannot:
- param(name): the value in force of a job parameter, whatever the document
  layout (the layout file says where parameters live);
- abspath(rel): a project-relative path made absolute, as the notebook does
  with project.dir() / path.
"""

import posixpath

from jmespath import functions


class CsxFunctions(functions.Functions):
    def __init__(self, job=None):
        # `job` is the JobContext being evaluated; None when only compiling.
        self._job = job

    @functions.signature({"types": ["string"]})
    def _func_param(self, name):
        return self._job.param(name)

    @functions.signature({"types": ["string", "null"]})
    def _func_abspath(self, relative):
        if relative is None:
            return None
        return posixpath.join(self._job.project_dir, relative)
