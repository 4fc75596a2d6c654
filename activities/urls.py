from .views import activities, outcomes, records, similar

urlpatterns = [*activities.urlpatterns, *records.urlpatterns, *outcomes.urlpatterns, *similar.urlpatterns]
