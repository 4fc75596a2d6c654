from .views import account, audit_log, member_edit, pages

urlpatterns = [
    *pages.urlpatterns,
    *member_edit.urlpatterns,
    *account.urlpatterns,
    *audit_log.urlpatterns,
]
