"""Create the portal's four roles as Django groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make them now
    # so that the groups can be given theirs.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    from portal.roles import sync_role_groups

    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), later_apps_ok=True)


def remove_roles(apps, schema_editor):
    from portal.roles import GROUP_NAMES

    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_NAMES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sectors", "0001_initial"),
        ("activities", "0002_initial"),
        ("reports", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
