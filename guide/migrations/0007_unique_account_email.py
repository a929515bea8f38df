"""One account per email address, case-insensitively; accounts without one are free.

The user model is Django's own, so the index is created here, in SQL that SQLite and
PostgreSQL both understand (an expression index with a condition).
"""

from django.db import migrations

INDEX = "guide_user_email_unique_ci"


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("guide", "0006_guests"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE UNIQUE INDEX {INDEX} ON auth_user (LOWER(email)) WHERE email <> ''",
            reverse_sql=f"DROP INDEX {INDEX}",
        )
    ]
