"""Pictures made from records, never from job documents: FSC plots
(matplotlib), the FSC files EMDB deposition takes, and the HTML report of a
facility's maps (the page data from records, compact curves, the timeline).
Records in, bytes or text out; the commands gather the records and write the
files."""
