"""Running specs over jobs: the job handles a call names, a job's context,
the engine that evaluates a spec over it, related jobs, one extraction from
handle to outcome, and the pools that run many at once."""
