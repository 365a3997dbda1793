"""Type stubs for the ``ddorg`` package: what ``__init__.py`` exports, with ``AsyncClient``
and the audit API (imported there on first use) declared for type checkers."""

from ._async import AsyncClient as AsyncClient
from ._audit import *
from ._ddorg import *
from ._errors import *

def __dir__() -> list[str]: ...
