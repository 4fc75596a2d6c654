from .views import imports, member_edit, pages

urlpatterns = [
    *pages.urlpatterns,
    *member_edit.urlpatterns,
    *imports.urlpatterns,
]
