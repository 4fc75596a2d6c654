from .views import member_edit, pages

urlpatterns = [
    *pages.urlpatterns,
    *member_edit.urlpatterns,
]
