from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
# The guide's content: editors may add, change, view and delete these, and nothing else.
CONTENT_MODELS = [
    "section",
    "contentlist",
    "listitem",
    "skillcategory",
    "skill",
    "roadmapstage",
    "checklistitem",
    "portfolioproject",
    "careerlevel",
    "salaryband",
    "provider",
    "certification",
]


def create_editors(apps, schema_editor):
    # On a fresh database the permissions do not exist until after all migrations.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="guide", content_type__model__in=CONTENT_MODELS
        )
    )


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guide", "0003_drafts_history_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
