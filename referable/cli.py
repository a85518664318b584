"""The ``referable`` command: set-up, demo data, tokens, import/export, backup, worker.

Each verb is a Django management command of the app it belongs to; this entry point
only sets the settings module and dispatches, so ``referable X`` equals
``python manage.py X`` and ``referable help`` lists every verb.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referable.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] or ["help"]
    execute_from_command_line(["referable", *args])


if __name__ == "__main__":
    main()
