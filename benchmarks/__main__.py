"""`python -m benchmarks bench --size S|M|L …` and `python -m benchmarks load_synthetic --size M …`.

The benchmark and its synthetic dataset stay out of the apps that ship: they run like manage.py commands,
with the same settings (DJANGO_SETTINGS_MODULE, production by default), from this package.
"""

import os
import sys

COMMANDS = {"bench": "benchmarks.bench", "load_synthetic": "benchmarks.load_synthetic"}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m benchmarks {{{'|'.join(COMMANDS)}}} [options]")
    # Production settings by default, as citizens meet the site (no DEBUG, whitenoise's manifest, Redis): the
    # figures of docs/benchmarks.md are theirs. `make bench` gives them their environment.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django
    from django.utils.module_loading import import_string

    django.setup()
    import_string(f"{COMMANDS[argv[1]]}.Command")().run_from_argv(["python -m benchmarks", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv)
