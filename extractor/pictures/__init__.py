"""Pictures made from records, never from job documents: FSC plots
(matplotlib), the FSC files EMDB deposition takes, and the HTML report of a
project's maps. Records in, bytes or text out; the commands gather the
records and write the files."""
