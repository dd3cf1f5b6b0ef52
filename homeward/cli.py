"""The ``homeward`` command: Django's management commands and Homeward's own.

Homeward's commands are spelled with hyphens on the command line (``homeward api-token``) and
with underscores as Python modules (``api_token``); both spellings work.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings")
    if len(argv) > 1:
        argv[1] = argv[1].replace("-", "_") if not argv[1].startswith("-") else argv[1]
        if argv[1] == "demo":
            # The demo serves plain HTTP on this machine: no HTTPS redirect, no secure cookies.
            os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
