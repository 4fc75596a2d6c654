from .views import account, audit_log, export_runs, imports, member_edit, notifications, pages

urlpatterns = [
    *pages.urlpatterns,
    *member_edit.urlpatterns,
    *imports.urlpatterns,
    *notifications.urlpatterns,
    *account.urlpatterns,
    *audit_log.urlpatterns,
    *export_runs.urlpatterns,
]
