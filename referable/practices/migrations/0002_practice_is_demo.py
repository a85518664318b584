from django.db import migrations, models

DEMO_DOMAIN = "harborpine.example"


def mark_existing_demos(apps, schema_editor):
    """Practices built by ``referable demo`` before the flag existed: their staff all
    sign in at the demo domain, which no real practice uses."""
    Practice = apps.get_model("practices", "Practice")
    User = apps.get_model("practices", "User")
    real = User.objects.exclude(email__iendswith=f".{DEMO_DOMAIN}").exclude(
        email__iendswith=f"@{DEMO_DOMAIN}"
    )
    Practice.objects.exclude(pk__in=real.values("practice_id")).filter(
        pk__in=User.objects.values("practice_id")
    ).update(is_demo=True)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="is_demo",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_existing_demos, migrations.RunPython.noop),
    ]
