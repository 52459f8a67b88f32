"""Deterministic synthetic data for ``bench/scale.py``: pure Python, no Django, no database.

Every article is a function of its index alone (``random.Random(seed, index)``), so a
database holding articles 0..N-1 can be extended to 0..M-1 by generating only N..M-1,
and two runs of the same size hold the same rows. Things shared by many articles
(sources, authors, tags, entities, a pool of indicators) are generated once, from their
own fixed seeds; their database ids are their position + 1.

Shapes (see bench/README.md, "scale.py"):

- published_at over the five years before :data:`END`, later years denser (linear ramp);
- sources, authors, tags, entities and pooled indicators drawn from Zipf–Mandelbrot
  distributions, so a few are very busy and most are rare;
- text drawn from a Zipf vocabulary: English function words (stop words), a few hundred
  real English and security words and phrases, and a few thousand generated words;
- 10 % of articles in stories of 2–8 articles from different sources that share a title,
  a lead sentence and a paragraph, published within a day or two of each other;
- entity names and indicator values written into the text, with the (section, start,
  end) spans the enrichment would have stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import random
import re
from bisect import bisect
from dataclasses import dataclass, field

SEED = 20261201
END = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
SPAN_SECONDS = int(5 * 365.25 * 86400)

N_SOURCES = 200
N_AUTHORS = 5000
N_TAGS = 500
N_ENTITIES = 2000
N_POOL_INDICATORS = 50_000
# Article-unique indicators get ids after the pool: POOL + 1 + index * MAX_UNIQUE + k.
MAX_UNIQUE_INDICATORS = 4

# Stories: in each block of STORY_BLOCK consecutive indices, ~10 % of the articles are
# grouped into stories of 2–8. Story ids are block * STORY_SLOTS + group + 1.
STORY_BLOCK = 200
STORY_SHARE = 0.10
STORY_SLOTS = 16

TLP_WEIGHTS = [("clear", 50), ("green", 30), ("amber", 15), ("amber+strict", 4), ("red", 1)]
CATEGORY_WEIGHTS = [
    ("vulnerability", 24),
    ("malware", 15),
    ("ransomware", 12),
    ("breach", 12),
    ("threat-actor", 12),
    ("fraud-phishing", 8),
    ("policy-regulation", 6),
    ("industry-investment", 5),
    ("research", 4),
    ("other", 2),
]
INTEL_WEIGHTS = [("strategic", 30), ("operational", 40), ("tactical", 30)]
PRIORITY_WEIGHTS = [("low", 35), ("medium", 40), ("high", 20), ("critical", 5)]


def _words(text: str) -> list[str]:
    return text.split()


# --- vocabulary ----------------------------------------------------------------------------

STOP_WORDS = _words(
    "the of and to a in that is was for on with as by it this from at be are have has an or "
    "which were their its after been also but not they into more than other about all can "
    "new who had when one over some these such may would could will there while most two "
    "first between them through used using both before where since"
)

REAL_WORDS = _words(
    # security
    "attack attackers vulnerability vulnerabilities exploit exploited exploitation malware "
    "ransomware phishing credentials payload network networks server servers campaign threat "
    "threats actor actors backdoor loader infrastructure domain domains patch patches update "
    "updates researchers security breach breached data leak leaked stolen encryption encrypted "
    "decryptor victims victim targeted targets targeting espionage intrusion intrusions access "
    "privilege escalation persistence implant implants botnet botnets spyware trojan worm "
    "dropper stealer infostealer keylogger rootkit firmware kernel driver drivers endpoint "
    "endpoints detection detections defenders defender incident incidents response forensic "
    "forensics analysts analysis indicators compromise compromised advisory advisories "
    "mitigation mitigations workaround authentication password passwords token tokens session "
    "sessions cookie cookies browser browsers extension extensions cloud tenant tenants "
    "identity identities account accounts administrator administrators admin root shell "
    "command commands script scripts powershell macro macros document documents attachment "
    "attachments email emails spearphishing lure lures website websites web application "
    "applications api apis database databases configuration misconfigured exposed exposure "
    "scanning scanner scanners proof concept poc cve cvss severity critical flaw flaws bug bugs "
    "bounty disclosure disclosed vendor vendors supplier suppliers customers customer "
    "organizations organization companies company government governments agency agencies "
    "military ministry law enforcement police arrest arrested indictment sanctions court "
    "regulator regulators regulation fine fines compliance privacy gdpr telecom telecoms "
    "healthcare hospital hospitals bank banks financial crypto cryptocurrency wallet wallets "
    "exchange exchanges extortion ransom negotiation leak site affiliates affiliate operators "
    "operator group groups gang gangs state sponsored nation china russia iran korea north "
    "ukraine europe united states microsoft google apple linux windows android ios macos "
    "vmware citrix fortinet cisco ivanti atlassian oracle sap router routers vpn firewall "
    "firewalls gateway gateways appliance appliances device devices iot ics ot scada "
    "industrial energy water utility utilities manufacturing retail education university "
    "students software hardware open source package packages repository repositories github "
    "npm pypi dependency dependencies build pipeline developers developer code signing "
    "certificate certificates obfuscation obfuscated evasion sandbox virtual machine memory "
    "process processes file files registry directory active directory domain controller "
    "lateral movement reconnaissance exfiltration collection impact wiper wipers destructive "
    "disruption outage outages ddos denial service traffic dns http https tls ssl protocol "
    "protocols port ports remote desktop rdp ssh smb ldap kerberos ntlm hash hashes sample "
    "samples variant variants family families version versions release released report "
    "reported reports according said says told statement week weeks month months year years "
    "day days million billion thousands hundreds users people employees staff team teams "
    "researcher investigation investigators evidence attribution attributed linked links "
    "tactics techniques procedures tools tool toolkit framework frameworks beacon cobalt "
    "strike sliver mimikatz impacket rclone anydesk teamviewer"
)

PHRASES = [
    "threat actors",
    "supply chain",
    "remote code execution",
    "initial access",
    "lateral movement",
    "command and control",
    "zero day",
    "proof of concept",
    "privilege escalation",
    "data breach",
    "security update",
    "critical infrastructure",
    "social engineering",
    "multi factor authentication",
    "credential theft",
    "ransomware attack",
    "phishing campaign",
    "incident response",
    "threat intelligence",
    "indicators of compromise",
    "out of band",
    "denial of service",
    "software supply chain",
    "nation state",
    "dark web",
    "initial access broker",
    "double extortion",
    "living off the land",
    "web shell",
    "security researchers",
]
# The most frequent two-word phrase (rank order below): what "search phrase" looks for.
COMMON_PHRASE = PHRASES[0]
# The most frequent real word that is not a stop word.
COMMON_WORD = "attack"
# Made of letters the word generator never uses together: matches no article.
NOTHING_WORD = "quuxzyglorbqx"

_SYLLABLES = _words(
    "ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no "
    "nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zo "
    "tra tre tri tro bra bre bri bro kra kre kri pla ple pli sta ste sti sto str lan len lin "
    "lon dor der dar vex vox quin sor sar mar mor tor tar nor nar kel kal vel val zen zan"
)


def generated_words(count: int, seed: int = SEED) -> list[str]:
    """``count`` distinct pronounceable made-up words, always the same ones."""
    rng = random.Random(seed)
    real = set(STOP_WORDS) | set(REAL_WORDS)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < count:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 3, 4))))
        if word not in seen and word not in real:
            seen.add(word)
            words.append(word)
    return words


class Zipf:
    """Zipf–Mandelbrot over ``n`` ranks: weight of rank k (1-based) is 1 / (k + q) ** s."""

    def __init__(self, n: int, s: float, q: float) -> None:
        self.n = n
        total = 0.0
        self.cum: list[float] = []
        for k in range(1, n + 1):
            total += 1.0 / (k + q) ** s
            self.cum.append(total)
        self.total = total

    def draw(self, rng: random.Random) -> int:
        """A 0-based rank."""
        return bisect(self.cum, rng.random() * self.total, 0, self.n - 1)

    def draws(self, rng: random.Random, k: int) -> list[int]:
        cum, total, hi = self.cum, self.total, self.n - 1
        rand = rng.random
        return [bisect(cum, rand() * total, 0, hi) for _ in range(k)]

    def choices(self, rng: random.Random, population: list, k: int) -> list:
        """``k`` items of ``population`` (in rank order) drawn with these weights."""
        return rng.choices(population, cum_weights=self.cum, k=k)

    def distinct(self, rng: random.Random, k: int) -> list[int]:
        picked: list[int] = []
        while len(picked) < k:
            rank = self.draw(rng)
            if rank not in picked:
                picked.append(rank)
        return picked

    def share(self, rank: int = 0) -> float:
        prev = self.cum[rank - 1] if rank else 0.0
        return (self.cum[rank] - prev) / self.total


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    total = sum(w for _, w in table)
    x = rng.random() * total
    for value, weight in table:
        x -= weight
        if x < 0:
            return value
    return table[-1][0]


# --- shared rows ---------------------------------------------------------------------------

_SOURCE_SUFFIXES = [
    "Security Blog",
    "Threat Intel",
    "Labs",
    "Cyber News",
    "CERT",
    "Research",
    "Weekly",
    "Advisories",
    "Daily",
    "Security Review",
]
_FIRST_NAMES = _words(
    "Alice Amira Ana Andrei Anna Ben Bogdan Carla Chen Chris Dana Daniel David Elena Emma Eric "
    "Fatima Felix Frank Grace Hana Hugo Ines Ivan Jack James Jana Jin Jonas Julia Karim Kate "
    "Kenji Lars Laura Leo Lin Lucas Maria Mark Marta Mei Mia Nadia Nina Noah Olga Omar Pablo "
    "Paul Priya Rafael Ravi Rosa Sam Sara Sofia Tariq Tom Una Victor Wei Yara Yusuf Zoe Aiko "
    "Bruno Clara Diego Eva Goran Helga Igor Jorge Kofi Lena Mateo Nora Oskar Petra Quinn Rita"
)
_LAST_NAMES = _words(
    "Abbott Adams Ahmed Almeida Andersen Bauer Becker Bianchi Brown Castro Chen Cohen Costa "
    "Da Silva Diaz Dubois Eriksson Evans Fischer Garcia Gomez Gonzalez Hansen Hoffmann Hughes "
    "Ito Ivanova Jansen Jensen Kim Klein Kowalski Kumar Larsen Lee Lopez Martin Meyer Moreau "
    "Muller Murphy Nagy Nakamura Nguyen Novak Olsen Park Patel Perez Petrov Popescu Quinn Rossi "
    "Santos Sato Schmidt Schneider Silva Singh Smith Sousa Suzuki Tanaka Taylor Thomas Torres "
    "Wagner Walker Wang Weber Wilson Wong Yamamoto Young Zhang Zimmermann Horvat Lindqvist "
    "Okafor Mensah Haddad Rahman Farouk Kaur Morales Navarro Romero Ruiz Vargas Herrera Reyes"
)
FREE_TAGS = _words(
    "ransomware phishing vulnerability zero-day apt espionage data-breach supply-chain "
    "cloud-security identity ics-ot malware botnet ddos fraud cryptocurrency policy "
    "law-enforcement healthcare finance government education telecom energy retail "
    "manufacturing critical-infrastructure mobile android ios windows linux macos "
    "browser email exploit-kit patch-tuesday kev infostealer wiper hacktivism "
    "insider-threat privacy regulation sanctions vulnerability-disclosure bug-bounty "
    "open-source npm pypi ai deepfake social-engineering credential-stuffing mfa "
    "edge-devices vpn firewall active-directory"
)


@dataclass
class SourceRow:
    name: str
    host: str
    reliability: str
    default_tlp: str
    interval: int


def sources() -> list[SourceRow]:
    rng = random.Random(SEED + 1)
    words = generated_words(N_SOURCES * 2, seed=SEED + 11)
    rows = []
    for n in range(N_SOURCES):
        word = words[n]
        suffix = _SOURCE_SUFFIXES[n % len(_SOURCE_SUFFIXES)]
        rows.append(
            SourceRow(
                name=f"{word.capitalize()} {suffix}",
                host=f"{word}-{n:03d}.example",
                reliability=rng.choice("AABBBCCCDF"),
                default_tlp="clear" if rng.random() < 0.85 else "green",
                interval=rng.choice((15, 30, 60, 60, 120, 240)),
            )
        )
    return rows


def author_names() -> list[str]:
    rng = random.Random(SEED + 2)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < N_AUTHORS:
        name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
        if name in seen:
            # A second "Anna Kim": a middle initial, as bylines do.
            name = f"{name.split()[0]} {chr(65 + rng.randrange(26))}. {' '.join(name.split()[1:])}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def tag_names(entity_rows: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """(name, added_by_enricher) for N_TAGS tags: free labels first (the busy ranks), then
    MISP-galaxy machine tags of threat actors, malware and tools, as enrichment writes them.

    ``entity_rows`` are (kind, name, ref) in entity-id order.
    """
    tags = [(name, "feed") for name in FREE_TAGS]
    tagged = [(ref, name) for kind, name, ref in entity_rows if kind in {"threat-actor", "malware", "tool"}]
    for ref, name in tagged:
        if len(tags) >= N_TAGS:
            break
        tags.append((f'{ref}="{name}"', "entities"))
    # Interleave so the busiest ranks mix free labels and a few machine tags.
    rng = random.Random(SEED + 3)
    head, tail = tags[:80], tags[80:]
    rng.shuffle(head)
    return head + tail


ENTITY_MIX = [
    ("threat-actor", 420),
    ("malware", 620),
    ("tool", 80),
    ("attack-pattern", 420),
    ("sector", 110),
    ("country", 150),
    ("organization", 200),
]


def pick_entities(records_by_kind: dict[str, list]) -> list[tuple[str, str, str, str, str]]:
    """N_ENTITIES (kind, name, external_id, uuid, ref) picked from the real galaxy records,
    shuffled so that every kind has busy and rare members."""
    rng = random.Random(SEED + 4)
    rows: list[tuple[str, str, str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for kind, wanted in ENTITY_MIX:
        records = sorted(records_by_kind.get(kind, []), key=lambda r: r.name)
        records = [r for r in records if len(r.name) <= 60 and "\n" not in r.name]
        for record in rng.sample(records, min(wanted, len(records))):
            if (kind, record.name) not in seen:
                seen.add((kind, record.name))
                rows.append((kind, record.name, record.external_id or "", record.uuid or "", record.ref))
    while len(rows) < N_ENTITIES:  # a galaxy smaller than expected: more malware
        extra = sorted(records_by_kind["malware"], key=lambda r: r.name)
        record = rng.choice(extra)
        if ("malware", record.name) not in seen and len(record.name) <= 60:
            seen.add(("malware", record.name))
            rows.append(("malware", record.name, "", record.uuid or "", record.ref))
    rows = rows[:N_ENTITIES]
    rng.shuffle(rows)
    return rows


# Types of the pooled (shared) indicators, by weight.
INDICATOR_MIX = [
    ("ipv4", 26),
    ("domain", 22),
    ("url", 14),
    ("sha256", 14),
    ("md5", 7),
    ("sha1", 4),
    ("cve", 9),
    ("email", 3),
    ("ipv6", 1),
]
_TLDS = ["com", "net", "org", "info", "io", "ru", "top", "xyz", "cc", "online", "biz", "site"]
BENIGN_LIST = "List of known public DNS resolvers"


def _indicator(rng: random.Random, kind: str, words: list[str], salt: str = "") -> str:
    if kind == "ipv4":
        return ".".join(
            str(x)
            for x in (rng.randint(11, 223), rng.randrange(256), rng.randrange(256), rng.randint(1, 254))
        )
    if kind == "ipv6":
        return "2a0" + str(rng.randrange(10)) + ":" + ":".join(f"{rng.getrandbits(16):x}" for _ in range(7))
    if kind == "domain":
        return f"{rng.choice(words)}{rng.choice(words)}{salt}.{rng.choice(_TLDS)}"
    if kind == "url":
        host = f"{rng.choice(words)}{salt}.{rng.choice(_TLDS)}"
        return f"https://{host}/{rng.choice(words)}/{rng.choice(words)}.php"
    if kind == "email":
        return f"{rng.choice(words)}@{rng.choice(words)}{salt}.{rng.choice(_TLDS)}"
    if kind == "cve":
        return f"CVE-{rng.randint(2016, 2026)}-{rng.randint(1000, 59999)}"
    bits = {"md5": 128, "sha1": 160, "sha256": 256, "sha512": 512}[kind]
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def indicator_pool() -> list[tuple[str, str, str]]:
    """N_POOL_INDICATORS distinct (type, value, benign), the same every time."""
    rng = random.Random(SEED + 5)
    words = generated_words(3000, seed=SEED + 12)
    rows = [("ipv4", "8.8.8.8", BENIGN_LIST), ("ipv4", "1.1.1.1", BENIGN_LIST)]
    seen = {(t, v) for t, v, _ in rows}
    while len(rows) < N_POOL_INDICATORS:
        kind = _weighted(rng, INDICATOR_MIX)
        value = _indicator(rng, kind, words)
        if (kind, value) not in seen:
            seen.add((kind, value))
            rows.append((kind, value, ""))
    return rows


def defang(kind: str, value: str) -> str:
    if kind in {"ipv4", "domain"}:
        head, _, last = value.rpartition(".")
        return f"{head}[.]{last}"
    if kind == "url":
        return value.replace("https://", "hxxps://", 1).replace(".", "[.]", 1)
    if kind == "email":
        return value.replace("@", "[@]", 1)
    return value


# --- articles ------------------------------------------------------------------------------


@dataclass
class Article:
    index: int
    source: int  # 0-based
    published_at: dt.datetime
    tlp: str
    category: str
    intel_level: str
    priority: str
    title: str
    teaser: str
    executive_summary: str
    summary: str
    body_text: str
    url: str
    story: int | None  # story id
    new_story: bool  # this article is the story's first by index: it creates the story row
    authors: list[int]  # 0-based, in byline order
    tags: list[int]  # 0-based
    # (entity 0-based, section, start, end, matched)
    mentions: list[tuple[int, str, int, int, str]] = field(default_factory=list)
    # (indicator id, section, start, end, matched, defanged)
    sightings: list[tuple[int, str, int, int, str, bool]] = field(default_factory=list)
    # (indicator id, type, value) created for this article only
    new_indicators: list[tuple[int, str, str]] = field(default_factory=list)
    grant: bool = False  # RED and granted to the RED admin
    fingerprint: int = 0
    keywords: list[str] = field(default_factory=list)
    assessment: str = ""
    reasons: list[str] = field(default_factory=list)
    auto_summary: str = ""
    word_count: int = 0

    @property
    def guid(self) -> str:
        return f"bench-{self.index}"

    @property
    def body_html(self) -> str:
        return text_to_html(self.body_text)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.body_text}".encode()).hexdigest()


_BLANK_LINES = re.compile(r"\n\s*\n+")


def text_to_html(text: str) -> str:
    """The same as ``articles.sanitize.text_to_html`` (checked by bench/scale.py at start)."""
    paragraphs = [p.strip() for p in _BLANK_LINES.split(text or "") if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


@dataclass
class StoryPlan:
    story_id: int
    members: list[int]  # article indices, ascending
    sources: list[int]  # one per member, all different
    seed: int


class Generator:
    """Makes article ``i`` from ``i`` alone, given the shared rows' names."""

    def __init__(self, entity_names: list[tuple[str, str]], indicators: list[tuple[str, str]]) -> None:
        """``entity_names``: (kind, name) by entity id - 1; ``indicators``: the pool's
        (type, value) by indicator id - 1."""
        self.entity_names = entity_names
        self.pool = indicators
        self.synthetic = generated_words(5000)
        # Rank order: function words, then real words and phrases, then the made-up long tail.
        phrases = list(PHRASES)
        content = [COMMON_WORD] + [w for w in REAL_WORDS if w != COMMON_WORD]
        ranked = list(STOP_WORDS[:40])
        # Interleave: the commonest phrase right after the commonest word, then one phrase
        # every eight words, the rest of the stop words sprinkled in.
        rest_stop = list(STOP_WORDS[40:])
        for n, word in enumerate(content):
            ranked.append(word)
            if n % 8 == 0 and phrases:
                ranked.append(phrases.pop(0))
            if n % 5 == 0 and rest_stop:
                ranked.append(rest_stop.pop(0))
        ranked += phrases + rest_stop + self.synthetic
        self.tokens = ranked
        self.text_zipf = Zipf(len(ranked), 1.0, 2.7)
        self.content_tokens = [t for t in ranked if t not in set(STOP_WORDS)]
        self.title_zipf = Zipf(len(self.content_tokens), 0.9, 5.0)
        self.source_zipf = Zipf(N_SOURCES, 1.0, 2.0)
        self.author_zipf = Zipf(N_AUTHORS, 1.1, 5.0)
        self.tag_zipf = Zipf(N_TAGS, 1.0, 5.0)
        self.entity_zipf = Zipf(len(entity_names), 1.0, 5.0)
        self.indicator_zipf = Zipf(len(indicators), 1.0, 3.0)
        self.words = generated_words(3000, seed=SEED + 12)
        self._block_cache: dict[int, dict[int, StoryPlan]] = {}

    # -- stories --

    def story_plan(self, block: int) -> dict[int, StoryPlan]:
        """Index -> story for one block of STORY_BLOCK consecutive indices."""
        cached = self._block_cache.get(block)
        if cached is not None:
            return cached
        rng = random.Random(f"{SEED}-block-{block}")
        wanted = round(STORY_BLOCK * STORY_SHARE)
        sizes: list[int] = []
        while sum(sizes) < wanted:
            sizes.append(rng.randint(2, 8))
        if sum(sizes) > wanted and wanted - sum(sizes[:-1]) >= 2:
            sizes[-1] = wanted - sum(sizes[:-1])
        positions = rng.sample(range(STORY_BLOCK), sum(sizes))
        plan: dict[int, StoryPlan] = {}
        at = 0
        for group, size in enumerate(sizes):
            members = sorted(block * STORY_BLOCK + p for p in positions[at : at + size])
            at += size
            story = StoryPlan(
                story_id=block * STORY_SLOTS + group + 1,
                members=members,
                sources=self.source_zipf.distinct(rng, size),
                seed=rng.getrandbits(48),
            )
            for member in members:
                plan[member] = story
        if len(self._block_cache) > 64:
            self._block_cache.clear()
        self._block_cache[block] = plan
        return plan

    # -- text --

    def _sentence(self, rng: random.Random, n: int, insert: str | None = None) -> tuple[str, int]:
        """A sentence of ``n`` tokens; with ``insert``, returns where it starts in the sentence."""
        words = self.text_zipf.choices(rng, self.tokens, n)
        at = -1
        if insert is not None:
            cut = rng.randint(1, max(1, n - 1))
            head = " ".join(words[:cut]) + " "
            words = [*words[:cut], insert, *words[cut:]]
            at = len(head)
        text = " ".join(words)
        text = text[0].upper() + text[1:] + "."
        return text, at

    def _sentences(self, rng: random.Random, count: int) -> str:
        return " ".join(self._sentence(rng, rng.randint(10, 24))[0] for _ in range(count))

    def _title(self, rng: random.Random, lead: str | None) -> str:
        n = rng.randint(8, 12)
        words = self.title_zipf.choices(rng, self.content_tokens, n)
        if rng.random() < 0.5:
            words.insert(rng.randint(1, len(words) - 1), rng.choice(("in", "of", "with", "for", "after")))
        title = " ".join(words)
        words = title.split()[: 12 if lead is None else 10]
        title = " ".join(words)
        if lead:
            return f"{lead} {title}"
        return title[0].upper() + title[1:]

    def article(self, index: int) -> Article:
        rng = random.Random(f"{SEED}-article-{index}")
        story = self.story_plan(index // STORY_BLOCK).get(index)

        # Where and when.
        if story is None:
            source = self.source_zipf.draw(rng)
            age = SPAN_SECONDS * (1.0 - rng.random() ** 0.5)  # later years denser
            published = END - dt.timedelta(seconds=age)
        else:
            srng = random.Random(story.seed)
            age = SPAN_SECONDS * (1.0 - srng.random() ** 0.5)
            position = story.members.index(index)
            source = story.sources[position]
            published = END - dt.timedelta(seconds=age) + dt.timedelta(hours=position * rng.uniform(0.5, 20))
        published = published.replace(microsecond=0)

        tlp = _weighted(rng, TLP_WEIGHTS)
        category = _weighted(rng, CATEGORY_WEIGHTS)
        intel = _weighted(rng, INTEL_WEIGHTS)
        priority = _weighted(rng, PRIORITY_WEIGHTS)
        authors = self.author_zipf.distinct(rng, rng.choice((1, 1, 1, 1, 2, 2, 2, 3, 3)))
        tags = self.tag_zipf.distinct(rng, rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)))

        # Findings to write into the text.
        entities = self.entity_zipf.distinct(rng, rng.choice((1, 2, 2, 3, 3, 4, 4, 5, 6, 7)))
        n_sightings = rng.choice((0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6))
        indicators: list[tuple[int, str, str]] = []
        new_indicators: list[tuple[int, str, str]] = []
        for _ in range(n_sightings):
            if rng.random() < 0.7:
                rank = self.indicator_zipf.draw(rng)
                kind, value = self.pool[rank]
                if all(i != rank + 1 for i, _, _ in indicators):
                    indicators.append((rank + 1, kind, value))
            elif len(new_indicators) < MAX_UNIQUE_INDICATORS:
                kind = rng.choice(("sha256", "sha256", "sha256", "md5", "sha1", "domain", "url"))
                value = _indicator(rng, kind, self.words, salt=f"{index:x}")
                ident = N_POOL_INDICATORS + 1 + index * MAX_UNIQUE_INDICATORS + len(new_indicators)
                new_indicators.append((ident, kind, value))
                indicators.append((ident, kind, value))

        mentions: list[tuple[int, str, int, int, str]] = []
        sightings: list[tuple[int, str, int, int, str, bool]] = []

        # Title (a story's members share their story's title, each with the lead entity).
        lead_entity = None
        if entities and rng.random() < 0.5:
            lead_entity = entities[0]
        srng = random.Random(story.seed) if story is not None else None
        if srng is not None:
            srng.random()  # the draw used for the date
            base_title = self._title(srng, None)
            story_lead = self._sentences(srng, 1)
            story_paragraph = self._sentences(srng, 4)
            lead_name = self.entity_names[lead_entity][1] if lead_entity is not None else None
            title = f"{lead_name}: {base_title}" if lead_name else base_title
            if lead_name:
                mentions.append((lead_entity, "title", 0, len(lead_name), lead_name))
        else:
            story_lead = story_paragraph = ""
            if lead_entity is not None:
                name = self.entity_names[lead_entity][1]
                title = self._title(rng, name)
                mentions.append((lead_entity, "title", 0, len(name), name))
            else:
                title = self._title(rng, None)

        teaser = self._sentences(rng, rng.choice((1, 2)))
        if story_lead:
            teaser = f"{story_lead} {teaser}"
        summary = self._sentences(rng, rng.randint(2, 4)) if rng.random() < 0.6 else ""
        executive = self._sentences(rng, rng.randint(2, 3)) if rng.random() < 0.15 else ""

        # Body: paragraphs of sentences, findings spread over them.
        target = rng.randint(2000, 4000)
        placements: list[tuple[str, object]] = [
            ("e", e) for e in entities for _ in range(rng.choice((1, 1, 2)))
        ]
        placements += [("i", ind) for ind in indicators]
        rng.shuffle(placements)
        pieces: list[str] = []
        length = 0
        if story_paragraph:
            pieces.append(story_paragraph)
            length = len(story_paragraph)
        sentence_no = 0
        while length < target or placements:
            sentences = []
            for _ in range(rng.randint(3, 6)):
                insert = None
                finding = None
                if placements and (sentence_no % 2 == 1 or length >= target):
                    finding = placements.pop()
                    if finding[0] == "e":
                        insert = self.entity_names[finding[1]][1]
                    else:
                        _, kind, value = finding[1]
                        fanged = kind in {"ipv4", "domain", "url", "email"} and rng.random() < 0.4
                        insert = defang(kind, value) if fanged else value
                sentence, at = self._sentence(rng, rng.randint(10, 24), insert)
                if finding is not None:
                    prefix = length + (2 if pieces else 0) + sum(len(s) + 1 for s in sentences)
                    start = prefix + at
                    if finding[0] == "e":
                        mentions.append((finding[1], "body", start, start + len(insert), insert))
                    else:
                        ident = finding[1][0]
                        sightings.append(
                            (ident, "body", start, start + len(insert), insert, insert != finding[1][2])
                        )
                sentences.append(sentence)
                sentence_no += 1
            paragraph = " ".join(sentences)
            if pieces:
                length += 2
            pieces.append(paragraph)
            length += len(paragraph)
        body = "\n\n".join(pieces)

        host = SOURCE_HOSTS[source]
        slug = "-".join(re.sub(r"[^a-z0-9]+", " ", title.lower()).split()[:6])
        url = f"https://{host}/{published:%Y/%m}/{slug}-{index}"
        words = body.split()
        keywords = []
        for token in (self.content_tokens[r] for r in self.title_zipf.draws(rng, 12)):
            if token not in keywords:
                keywords.append(token)
        article = Article(
            index=index,
            source=source,
            published_at=published,
            tlp=tlp,
            category=category,
            intel_level=intel,
            priority=priority,
            title=title,
            teaser=teaser,
            executive_summary=executive,
            summary=summary,
            body_text=body,
            url=url,
            story=story.story_id if story else None,
            new_story=bool(story and story.members[0] == index),
            authors=authors,
            tags=tags,
            mentions=mentions,
            sightings=sightings,
            new_indicators=new_indicators,
            grant=tlp == "red" and rng.random() < 0.5,
            fingerprint=rng.getrandbits(64) - 2**63,
            keywords=keywords[:8],
            word_count=len(words),
        )
        first = self.entity_names[entities[0]][1] if entities else "the activity"
        article.assessment = (
            f"{intel.capitalize()} reporting ({category.replace('-', ' ')}) on {first}; "
            f"{len(sightings)} indicator(s) of compromise and {len(entities)} named "
            f"entit{'y' if len(entities) == 1 else 'ies'} found. Priority {priority}."
        )
        reasons = []
        if sightings:
            reasons.append(f"{len(sightings)} indicators of compromise found.")
        if entities:
            reasons.append(f"Names {len(entities)} known entities, first {first}.")
        reasons.append(f"Words typical of {category.replace('-', ' ')} reporting.")
        article.reasons = reasons
        article.auto_summary = " ".join(re.split(r"(?<=\.) ", body.split("\n\n", 1)[0])[:2])
        return article


SOURCE_HOSTS = [s.host for s in sources()]


def json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
