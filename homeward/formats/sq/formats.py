# Albanian writes dates as Serbian does (DD.MM.YYYY); thousands are grouped with a space.
from homeward.formats.sr.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "\xa0"
