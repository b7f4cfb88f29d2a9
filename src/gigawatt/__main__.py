"""``python -m gigawatt``: the same command line as the ``gigawatt`` script (an attack reached
for it and found no ``__main__``)."""

from gigawatt.cli import entry

if __name__ == "__main__":
    entry()
