from .views import activities, outcomes, records

urlpatterns = [*activities.urlpatterns, *records.urlpatterns, *outcomes.urlpatterns]
