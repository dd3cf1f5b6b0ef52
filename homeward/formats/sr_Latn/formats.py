# Serbian in Latin script writes dates and numbers as in Cyrillic.
from homeward.formats.sr.formats import *  # noqa: F403
