from .views import imports, member_edit, notifications, pages

urlpatterns = [
    *pages.urlpatterns,
    *member_edit.urlpatterns,
    *imports.urlpatterns,
    *notifications.urlpatterns,
]
