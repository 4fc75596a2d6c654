from .views import activities, records

urlpatterns = [*activities.urlpatterns, *records.urlpatterns]
