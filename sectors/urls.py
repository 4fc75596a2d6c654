from .views import member_edit, notifications, pages

urlpatterns = [
    *pages.urlpatterns,
    *member_edit.urlpatterns,
    *notifications.urlpatterns,
]
