"""English stop words for summary scoring and key-phrase extraction.

A short list written for this project (function words plus the reporting
verbs and fillers that news prose repeats without meaning), kept as code so it
ships with the package and loads with no file I/O.
"""

from __future__ import annotations

_WORDS = """
    a about above according across after afterwards again against all almost alone along
    already also although always am among amongst an and another any anyone anything
    anyway anywhere are around as at back be became because become becomes been before
    beforehand behind being below beside besides between beyond both but by can cannot
    could did do does doing done down due during each either else elsewhere enough etc
    even ever every everyone everything everywhere except few first for former formerly
    from further get gets got had has have having he her here hereby herein hers herself
    him himself his how however i if in indeed into is it its itself just last latter
    least less like made make makes many may me meanwhile might mine more moreover most
    mostly much must my myself namely neither never nevertheless new next no nobody none
    nor not nothing now nowhere of off often on once one only onto or other others
    otherwise our ours ourselves out over own per perhaps please put quite rather re
    really s same say says said see seem seemed seeming seems several she should since so
    some somehow someone something sometime sometimes somewhere still such t than that the
    their theirs them themselves then thence there thereafter thereby therefore therein
    these they this those though through throughout thus to together too toward towards
    under until up upon us use used using very via was we well were what whatever when
    whenever where whereas whether which while who whoever whole whom whose why will with
    within without would yet you your yours yourself yourselves
    told according reported reports report week weeks month months year years today
    yesterday including include includes included also another based latest within
"""

STOP_WORDS: frozenset[str] = frozenset(_WORDS.split())
