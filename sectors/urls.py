from sectors.accounts import views as account
from sectors.audit import views as audit_log
from sectors.importers import views as imports
from sectors.notifications import views as notifications
from sectors.ops import export_runs
from sectors.roster import member_edit
from sectors.roster import views as pages

urlpatterns = [
    *pages.urlpatterns,
    *member_edit.urlpatterns,
    *imports.urlpatterns,
    *notifications.urlpatterns,
    *account.urlpatterns,
    *audit_log.urlpatterns,
    *export_runs.urlpatterns,
]
