"""carequality: reproducible quality-assurance reports on adult social care for English councils."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("carequality")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
