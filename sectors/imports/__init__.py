"""Bulk import of staff-made spreadsheets: the member roster, workstations and
(registered by activities) years of activity records.

The layers, bottom up:

- `reading`: what the file really is (sniffed, never trusted from its name),
  the limits checked before anything is inflated, and the rows of its first
  sheet as Python values (python-calamine for workbooks, csv for text).
- `cells`: one cell's normalising and parsing (full-width characters, dates in
  every form people type, ID-card and mobile numbers Excel may have damaged).
- `base`: the sheet's header row found under title rows, columns matched by
  their accepted headers, and the plan an importer makes: rows to create,
  update, leave alone, and rejected rows with their column and reason.
- `members`, `workstations`: the roster's importers; activities registers its
  own importer (activities.imports) through `registry`.
- `runs`: the ImportRun record's life: upload, preview, confirm, write, the
  lock that keeps two imports of one sheet apart, and the file's deletion.
"""
