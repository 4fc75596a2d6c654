from .views import activities, meetings, records

urlpatterns = [*activities.urlpatterns, *meetings.urlpatterns, *records.urlpatterns]
