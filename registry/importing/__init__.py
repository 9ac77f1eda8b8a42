"""Importing households and people from CSV/XLSX files (the documented template, docs/import.md).

columns.py   the template's columns and how cell values are read (the choice mappings, once)
parsing.py   CSV/XLSX files into rows of cells; file-level errors
xlsxfile.py  a workbook checked from its zip directory, then read in a memory-capped child process
problems.py  messages stored untranslated (msgid + values), shown in the reader's language
checking.py  one row: cells into model values, the same rules as services._person_rules
planning.py  the whole file against itself and the registry: new, changed, unchanged, invalid
writing.py   the plan written with COPY and one UPDATE per table, with bulk audit rows
(the COPY/UPDATE helpers are the core's: onegate/copying.py)
batches.py   upload → preview → confirm/cancel → apply, sync or through tasks.py (Celery)
template.py  the blank template files; forms.py the upload and confirmation forms
"""
