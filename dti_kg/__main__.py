"""``python -m dti_kg`` is the ``dti`` command."""

from dti_kg.cli import main

if __name__ == "__main__":
    main()
