from .views import activities, meetings, outcomes, records, similar

urlpatterns = [
    *activities.urlpatterns,
    *meetings.urlpatterns,
    *records.urlpatterns,
    *outcomes.urlpatterns,
    *similar.urlpatterns,
]
