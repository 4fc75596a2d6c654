"""The roster's spreadsheet imports, on the framework of portal.importing.

- `members`, `workstations`: the roster's importers, registered when sectors is loaded
  (sectors.apps); activities registers its own (activities.imports).
- `lookups`: the committee's groups and members, found once per import.
- `runs`: the ImportRun record's life: upload, preview, confirm, write, the
  lock that keeps two imports of one sheet apart, and the file's deletion.
- `templates`: the blank workbook of each kind; `views`: the import pages.
"""
