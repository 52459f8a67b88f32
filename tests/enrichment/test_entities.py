"""The named-entity extractor over real prose: kinds, aliases, rules and the seed article."""

from pathlib import Path

import pytest

from articles.enrichment.entities import EntityExtractor, WatchEntity, is_ordinary
from articles.enrichment.types import Document

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
THREAT_KINDS = {"threat-actor", "malware", "tool", "attack-pattern"}


@pytest.fixture(scope="module")
def extractor():
    return EntityExtractor(
        [WatchEntity("Acme Widgets", aliases=("Acme",)), WatchEntity("Globex", kind="supplier")]
    )


def found(extractor, text):
    findings = extractor.run(Document(text))
    for finding in findings:
        assert finding.matched == text[finding.start : finding.end]
    return [(f.kind, f.name, f.matched) for f in findings]


def test_seed_article_gives_microsoft_and_japan_and_no_threats(extractor):
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    findings = extractor.run(Document(text))
    assert {(f.kind, f.name) for f in findings} == {
        ("vendor", "Microsoft"),
        ("country", "Japan"),
    }
    assert not [f for f in findings if f.kind in THREAT_KINDS]
    microsoft = next(f for f in findings if f.name == "Microsoft")
    assert microsoft.ref == "gazetteer"
    assert text[microsoft.start : microsoft.end] == "Microsoft"


def test_aliases_resolve_to_one_canonical_actor(extractor):
    text = "Fancy Bear, also called Sofacy or STRONTIUM, is the APT28 group."
    assert found(extractor, text) == [
        ("threat-actor", "APT28", "Fancy Bear"),
        ("threat-actor", "APT28", "Sofacy"),
        ("threat-actor", "APT28", "STRONTIUM"),
        ("threat-actor", "APT28", "APT28"),
    ]


def test_merged_actor_names_misp_and_keeps_the_mitre_uuid_reachable(extractor):
    (finding,) = extractor.run(Document("APT28 struck again."))
    assert finding.ref == "misp-galaxy:threat-actor"
    assert finding.uuid == "5b4ee3ea-eee3-4c8e-8323-85ae32658754"
    record = extractor.record(finding.uuid)
    assert record.cross_refs["mitre-intrusion-set"] == ["bef4c620-0787-42a8-a96d-b7eb6e85917c"]


def test_exact_spans_of_a_known_actor(extractor):
    text = "Analysts tied the intrusion to Turla."
    (finding,) = extractor.run(Document(text))
    assert (finding.start, finding.end, finding.name) == (31, 36, "Turla")


def test_word_boundaries_keep_apt1_out_of_apt10_and_turla_out_of_turlaxx(extractor):
    assert found(extractor, "APT10 and Turlaxx") == [("threat-actor", "APT10", "APT10")]


def test_longest_name_wins(extractor):
    assert found(extractor, "the Lazarus Group said") == [("threat-actor", "Lazarus Group", "Lazarus Group")]


def test_malware_and_tool_are_found_with_their_kind(extractor):
    text = "Emotet dropped Cobalt Strike, then the actors ran PsExec."
    assert found(extractor, text) == [
        ("malware", "Emotet", "Emotet"),
        ("tool", "Cobalt Strike", "Cobalt Strike"),
        ("tool", "PsExec", "PsExec"),
    ]


def test_technique_is_found_by_id_and_by_name_with_its_external_id(extractor):
    text = "They used T1059.001 and Process Injection (T1055)."
    findings = extractor.run(Document(text))
    assert [(f.name, f.external_id, f.matched) for f in findings] == [
        ("Command and Scripting Interpreter: PowerShell", "T1059.001", "T1059.001"),
        ("Process Injection", "T1055", "Process Injection"),
        ("Process Injection", "T1055", "T1055"),
    ]
    assert {f.kind for f in findings} == {"attack-pattern"}


def test_sector_needs_a_sector_word_nearby(extractor):
    assert found(extractor, "Attacks on the energy sector rose.") == [("sector", "Energy", "energy")]
    assert found(extractor, "They had no energy left.") == []


def test_country_by_name_demonym_and_short_form(extractor):
    text = "Japan, Russian hackers, the U.S. and the UK; North Korean and Iranian crews."
    assert [(k, n) for k, n, _ in found(extractor, text) if k == "country"] == [
        ("country", "Japan"),
        ("country", "Russia"),
        ("country", "United States"),
        ("country", "United Kingdom"),
        ("country", "North Korea"),
        ("country", "Iran"),
    ]


def test_demonym_that_is_a_ransomware_name_is_a_country(extractor):
    assert found(extractor, "The Russian ransomware gang.") == [("country", "Russia", "Russian")]


def test_latin_american_is_not_the_united_states(extractor):
    assert found(extractor, "Latin American banks") == []


def test_organizations_from_the_gazetteer(extractor):
    text = "CISA, the FBI and Google's Threat Analysis Group; Microsoft too."
    assert found(extractor, text) == [
        ("organization", "CISA", "CISA"),
        ("organization", "FBI", "FBI"),
        ("vendor", "Google", "Google"),
        ("organization", "Threat Analysis Group", "Threat Analysis Group"),
        ("vendor", "Microsoft", "Microsoft"),
    ]


def test_watch_entities_match_with_the_watch_ref_and_their_kind(extractor):
    findings = extractor.run(Document("Acme Widgets (Acme) and Globex were hit."))
    assert [(f.name, f.matched, f.ref, f.kind) for f in findings] == [
        ("Acme Widgets", "Acme Widgets", "watch", "organization"),
        ("Acme Widgets", "Acme", "watch", "organization"),
        ("Globex", "Globex", "watch", "supplier"),
    ]


def test_watch_entity_overrides_a_galaxy_name():
    extractor = EntityExtractor([WatchEntity("Turla Foods")])
    assert found(extractor, "Turla Foods and Turla") == [
        ("organization", "Turla Foods", "Turla Foods"),
        ("threat-actor", "Turla", "Turla"),
    ]


def test_ordinary_word_names_need_their_case_and_context(extractor):
    assert found(extractor, "Sandworm hackers attacked the grid.") == [
        ("threat-actor", "Sandworm", "Sandworm")
    ]
    assert found(extractor, "A sandworm in the desert; Sandworm is a novel.") == []
    assert found(extractor, "ZINC, a group tied to Pyongyang") == [
        ("threat-actor", "Lazarus Group", "ZINC"),
        ("country", "North Korea", "Pyongyang"),
    ]


def test_stop_list_words_never_match(extractor):
    text = "Windows Server in the Cloud runs Python; Artificial Intelligence technique."
    # Windows is a product of the gazetteer, never the galaxies' malware of that name.
    assert found(extractor, text) == [("product", "Windows", "Windows")]


def test_everyday_paragraph_yields_no_threat_entities(extractor):
    text = (
        "Equation 3 gives the roots of the quadratic equation. Mercury, cobalt, zinc and "
        "lithium are elements; cobalt is a metal group. In Python you write a script that "
        "opens a Telegram bot. The weather: rain, a storm, then snow and a typhoon. "
        "Artificial Intelligence and Machine Learning are the future; the Server and the "
        "Cloud are Windows machines. The panda and the tiger play. Play is royal."
    )
    threats = [f for f in found(extractor, text) if f[0] in THREAT_KINDS]
    assert threats == []


def test_telegram_the_app_is_an_organization_not_malware(extractor):
    text = "The stealer sent its logs to Telegram channels."
    assert ("organization", "Telegram", "Telegram") in found(extractor, text)
    # An ordinary word as a company's name needs a threat nearby.
    assert found(extractor, "Telegram boys delivered news from the front on bicycles.") == []


def test_unicode_before_a_name_keeps_offsets_exact(extractor):
    text = "İİ İstanbul Straße Größe: APT28 und Turla."
    findings = extractor.run(Document(text))
    assert [(f.matched, f.start, f.end) for f in findings] == [
        ("APT28", 26, 31),
        ("Turla", 36, 41),
    ]


def test_findings_are_sorted_by_start(extractor):
    text = "Turla, APT28, Emotet, Japan, Microsoft, T1055."
    starts = [f.start for f in extractor.run(Document(text))]
    assert starts == sorted(starts)
    assert len(starts) == 6


def test_ordinary_means_every_word_is_in_the_dictionary():
    assert is_ordinary("Pawn Storm")
    assert is_ordinary("Windows")
    assert not is_ordinary("Emotet")
    assert not is_ordinary("Mimikatz tool")
    assert not is_ordinary("BloodHound")  # a capital inside makes a name


def test_camel_cased_everyday_word_is_a_name_only_as_written(extractor):
    assert found(extractor, "The ransomware would encrypt the disks.") == []
    text = "They mapped the domain with BloodHound."
    assert found(extractor, text) == [("tool", "BloodHound", "BloodHound")]


def test_sentence_starting_everyday_words_are_not_malware(extractor):
    text = "First, the malware checks the Desktop. Dark web actors sell the payload."
    assert [f for f in found(extractor, text) if f[0] in THREAT_KINDS] == []


def test_short_sub_technique_names_and_lone_technique_words_need_more(extractor):
    assert found(extractor, "The DLL technique loads a phishing page.") == []
    assert found(extractor, "Phishing (ATT&CK technique) was used.") == [
        ("attack-pattern", "Phishing", "Phishing")
    ]


def test_malware_name_in_lower_case_needs_malware_context(extractor):
    assert found(extractor, "the emotet malware") == [("malware", "Emotet", "emotet")]
    assert found(extractor, "EMOTET IS BACK") == [("malware", "Emotet", "EMOTET")]


def test_extractor_version_marks_the_new_rules(extractor):
    assert extractor.version == "1.11.0"


@pytest.mark.parametrize(
    ("canonical", "aliases"),
    [
        ("Charming Kitten", ["APT35", "Magic Hound", "Phosphorus", "Mint Sandstorm", "TA453"]),
        ("APT29", ["Cozy Bear", "Midnight Blizzard", "NOBELIUM", "UNC2452", "The Dukes"]),
        ("APT28", ["Fancy Bear", "Forest Blizzard", "STRONTIUM", "Sofacy"]),
        ("Lazarus Group", ["HIDDEN COBRA", "Diamond Sleet"]),
        ("Sandworm", ["Sandworm Team", "Seashell Blizzard", "Voodoo Bear"]),
        ("Volt Typhoon", ["Vanguard Panda", "BRONZE SILHOUETTE"]),
        ("Scattered Spider", ["UNC3944", "Octo Tempest"]),
        ("Turla", ["Venomous Bear", "Secret Blizzard"]),
        ("APT41", ["Wicked Panda", "Double Dragon"]),
        ("FIN7", ["Carbanak Group"]),
    ],
    ids=lambda value: value if isinstance(value, str) else "+".join(value),
)
def test_aliases_of_a_well_known_actor_resolve_to_one_record(extractor, canonical, aliases):
    text = f"{canonical}, a hacking group also known as " + ", ".join(aliases) + ", is active."
    findings = extractor.run(Document(text))
    assert [(f.kind, f.name, f.matched) for f in findings] == [
        ("threat-actor", canonical, surface) for surface in [canonical, *aliases]
    ]
    assert len({f.uuid for f in findings}) == 1


def test_carbanak_alone_is_the_backdoor_not_the_group(extractor):
    assert found(extractor, "FIN7 deployed the Carbanak backdoor.") == [
        ("threat-actor", "FIN7", "FIN7"),
        ("malware", "Carbanak", "Carbanak"),
    ]


@pytest.mark.parametrize(
    "name", ["Cobalt Strike", "Mimikatz", "PsExec", "ProcDump", "AdFind", "Rclone", "BloodHound", "Impacket"]
)
def test_dual_use_software_is_a_tool(extractor, name):
    assert found(extractor, f"The intruders ran the {name} tool.") == [("tool", name, name)]


@pytest.mark.parametrize("name", ["Emotet", "QakBot", "LockBit", "PlugX", "BlackCat"])
def test_malware_families_are_malware(extractor, name):
    assert found(extractor, f"The {name} malware spread.") == [("malware", name, name)]


def test_canonical_software_names_carry_no_platform_suffix(extractor):
    text = "LockBit (Windows), BlackCat (ELF) and mimikatz tools; a Mirai botnet."
    assert found(extractor, text) == [
        ("malware", "LockBit", "LockBit (Windows)"),
        ("malware", "BlackCat", "BlackCat (ELF)"),
        ("tool", "Mimikatz", "mimikatz"),
        ("malware", "Mirai", "Mirai"),
    ]


def test_lower_case_command_line_tool_needs_tool_context(extractor):
    assert found(extractor, "They used built-in tools such as netsh to open a proxy.") == [
        ("tool", "netsh", "netsh")
    ]
    assert found(extractor, "Run netsh to check.") == []


@pytest.mark.parametrize(
    ("text", "surface", "external_id"),
    [
        ("They ran scripts through PowerShell.", "PowerShell", "T1059.001"),
        ("The actors used password spraying against old accounts.", "password spraying", "T1110.003"),
        ("Victims opened a spearphishing attachment.", "spearphishing attachment", "T1566.001"),
        ("Commands ran in the Windows Command Shell.", "Windows Command Shell", "T1059.003"),
        ("Persistence came from a scheduled task.", "scheduled task", "T1053.005"),
        ("The loader relies on DLL side-loading.", "DLL side-loading", "T1574.001"),
        ("They dumped LSASS memory.", "LSASS memory", "T1003.001"),
        ("Spear-phishing links were sent.", "Spear-phishing links", "T1566.002"),
        ("The gang also used Kerberoasting.", "Kerberoasting", "T1558.003"),
        ("They dropped web shells on the servers.", "web shells", "T1505.003"),
    ],
)
def test_sub_technique_is_found_by_its_distinctive_short_name(extractor, text, surface, external_id):
    findings = extractor.run(Document(text))
    assert [(f.kind, f.matched, f.external_id) for f in findings] == [
        ("attack-pattern", surface, external_id)
    ]
    assert text[findings[0].start : findings[0].end] == surface


def test_everyday_sub_technique_names_stay_quiet(extractor):
    text = (
        "Enable multi-factor authentication, list the IP addresses of local accounts, keep a "
        "code signing policy and one-way communication, and write Python in a sudo shell."
    )
    assert found(extractor, text) == []


def test_sector_name_needs_a_sector_noun_right_after_it(extractor):
    text = (
        "Meta lacked a legal basis for the transfers, said remote administration staff. "
        "Internet providers and the government said so."
    )
    assert [f for f in found(extractor, text) if f[0] == "sector"] == []


def test_sectors_in_a_list_before_one_sector_noun_all_match(extractor):
    text = "The energy and water sectors; the finance, oil and gas industries."
    assert found(extractor, text) == [
        ("sector", "Energy", "energy"),
        ("sector", "Water", "water"),
        ("sector", "Finance", "finance"),
        ("sector", "Oil", "oil"),
        ("sector", "Gas", "gas"),
    ]


def test_sector_phrases_match_alone_with_readable_names(extractor):
    text = "Financial services and government agencies were hit, as were IT companies."
    assert found(extractor, text) == [
        ("sector", "Finance", "Financial services"),
        ("sector", "Government, Administration", "government agencies"),
        ("sector", "IT", "IT"),
    ]


def test_name_ending_in_us_is_not_read_as_a_plural_of_a_shorter_word():
    assert not is_ordinary("Rubeus")  # not "rube" + "-us"
    assert is_ordinary("Processes")


def test_coined_tool_name_matches_alone_without_context(extractor):
    text = "During the intrusion the operator launched Rubeus from a temp folder."
    assert found(extractor, text) == [("tool", "Rubeus", "Rubeus")]


def test_lower_case_ransomware_brand_matches_capitalised_right_before_ransomware(extractor):
    assert found(extractor, "Victims of Fog ransomware paid nothing.") == [("malware", "fog", "Fog")]
    assert found(extractor, "Dense fog closed the airport, and Fog lifted by noon.") == []
    assert found(extractor, "Global ransomware payments fell last year.") == []


def test_ransomware_brand_that_is_a_word_matches_before_what_only_an_extortion_brand_has(extractor):
    assert ("malware", "Cactus", "Cactus") in found(extractor, "The Cactus gang exploited unpatched VPNs.")
    assert ("malware", "interlock", "Interlock") in found(extractor, "Interlock affiliates hit a city.")
    assert ("malware", "fog", "Fog") in found(extractor, "Fog\u2019s leak site listed a college.")
    assert found(extractor, "The cactus crew at the nursery watered the succulents.") == []
    assert found(extractor, "Interlock Group builds the bricks; Fog crews cleared the runway.") == []


def test_ordinary_malware_name_in_a_list_of_malware_names_matches(extractor):
    text = "Seized servers ran Pikabot, IcedID, Bumblebee or Latrodectus until Tuesday."
    names = [name for kind, name, _ in found(extractor, text) if kind == "malware"]
    assert "Bumblebee" in names


def test_ransomware_brand_alone_is_malware_and_with_group_is_the_actor(extractor):
    text = "RansomHub hit two hospitals. Later the RansomHub group leaked the files."
    assert found(extractor, text) == [
        ("malware", "RansomHub", "RansomHub"),
        ("sector", "Health", "hospitals"),
        ("threat-actor", "RansomHub", "RansomHub group"),
    ]


def test_state_group_sharing_a_ransomware_name_stays_an_actor(extractor):
    assert found(extractor, "Chimera hackers targeted chip makers.") == [
        ("threat-actor", "Chimera", "Chimera"),
        ("sector", "Semi-conductors", "chip makers"),
    ]


def test_remote_admin_tools_from_the_gazetteer_are_tools(extractor):
    text = "The affiliate installed AnyDesk, ran Advanced IP Scanner and copied data with WinSCP."
    assert found(extractor, text) == [
        ("tool", "AnyDesk", "AnyDesk"),
        ("tool", "Advanced IP Scanner", "Advanced IP Scanner"),
        ("tool", "WinSCP", "WinSCP"),
    ]


def test_added_organizations_and_the_hhs_alias_are_found(extractor):
    text = "Veeam and DocuSign briefed HHS; a paper at USENIX followed, and Nasdaq shares dipped."
    assert [(kind, name) for kind, name, _ in found(extractor, text)] == [
        ("vendor", "Veeam"),
        ("organization", "DocuSign"),
        ("organization", "Department of Health and Human Services"),
        ("organization", "USENIX"),
        ("organization", "Nasdaq"),
    ]


def test_sectors_named_as_writers_name_them_keep_the_galaxy_names(extractor):
    text = "The group breached telcos, ministries, universities and defense contractors."
    assert [name for kind, name, _ in found(extractor, text) if kind == "sector"] == [
        "Telecoms",
        "Government, Administration",
        "Academia - University",
        "Defense",
    ]


def test_a_one_word_sector_needs_a_threat_nearby(extractor):
    assert found(extractor, "Airlines cancelled dozens of flights in the snow.") == []
    assert found(extractor, "Ransomware hit airlines across the region.") == [
        ("sector", "Civil Aviation", "airlines")
    ]


def test_a_country_that_is_a_first_name_or_a_dish_needs_to_be_a_place(extractor):
    assert found(extractor, "Jordan scored thirty points.") == []
    assert found(extractor, "Turkey sales climb before Thanksgiving.") == []
    assert found(extractor, "A box of Turkish delight and French fries.") == []
    assert found(extractor, "Phishing hit ministries in Jordan.")[1] == ("country", "Jordan", "Jordan")


def test_us_states_and_cities_are_the_united_states_only_as_places(extractor):
    assert ("country", "United States", "Texas") in found(extractor, "Hospitals in Texas reported outages.")
    assert found(extractor, "Texas toast goes well with chili.") == []
    assert found(extractor, "Denzel Washington won an award.") == []


def test_vendor_threat_intel_teams_are_organizations(extractor):
    text = "Cisco Talos, Unit 42 and Mandiant said MuddyWater works for MOIS."
    assert [(k, n) for k, n, _ in found(extractor, text)] == [
        ("organization", "Cisco Talos"),
        ("organization", "Unit 42"),
        ("organization", "Mandiant"),
        ("threat-actor", "MuddyWater"),
        ("organization", "MOIS"),
    ]


def test_an_ordinary_word_product_needs_product_context(extractor):
    assert found(extractor, "The London Stock Exchange opened higher.") == []
    assert found(extractor, "Attackers exploited Exchange servers.") == [
        ("product", "Exchange Server", "Exchange")
    ]


def test_a_place_right_after_a_first_name_is_a_surname_even_beside_location_words(extractor):
    assert found(extractor, "John Denver sang about country roads.") == []
    assert found(extractor, "Denzel Washington thanked the residents who came.") == []
    assert ("country", "United States", "Denver") in found(extractor, "Ransomware hit a hospital in Denver.")


def test_a_demonym_ending_a_noun_phrase_after_a_is_a_thing_not_the_country(extractor):
    assert found(extractor, "The bakery sells a cherry Danish on Fridays.") == []
    assert found(extractor, "For dessert they shared an almond Danish.") == []
    assert ("country", "Denmark", "Danish") in found(extractor, "A Danish firm was breached.")
    assert ("country", "Denmark", "Danish") in found(extractor, "Hackers breached a Danish hospital.")


def test_a_coined_name_beside_a_film_is_a_title_unless_a_threat_is_named(extractor):
    assert found(extractor, "Akira is a classic anime film.") == []
    assert found(extractor, "Ryuk is a character in the Death Note manga.") == []
    assert ("malware", "Akira", "Akira") in found(
        extractor, "Akira ransomware operators listed the film studio on their leak site."
    )
    assert ("malware", "Ryuk", "Ryuk") in found(extractor, "Ryuk encrypted the servers of a cinema chain.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A threat actor in the text makes a one-word sector a target, wherever it is.
        (
            "Scattered Spider phoned the IT help desks of casinos.",
            [("threat-actor", "Scattered Spider", "Scattered Spider"), ("sector", "Casino", "casinos")],
        ),
        ("The IT help desks of casinos were busy.", []),
        # Whom they pretended to be is not whom they hit.
        ("Kimsuky impersonated journalists to reach think tanks.", None),
        # "<word> Group" in the galaxy: the coined word alone names the actor.
        ("Gamaredon sent archives.", [("threat-actor", "Gamaredon Group", "Gamaredon")]),
        # An ordinary word as the short form needs a context word, as any ordinary name does:
        # words only an attacker's deeds use count ("stole", "wiper", "malicious").
        ("Lazarus stole $600 million.", [("threat-actor", "Lazarus Group", "Lazarus")]),
        ("The raising of Lazarus is a Bible story.", []),
        ("Sandworm deployed a new wiper.", [("threat-actor", "Sandworm", "Sandworm")]),
        ("The sandworm rose from the dunes.", []),
        # An actor doing something with named software.
        (
            "Sandworm built Industroyer2.",
            [("threat-actor", "Sandworm", "Sandworm"), ("malware", "Industroyer2", "Industroyer2")],
        ),
        # A family introduced by the one it descends from.
        (
            "Latrodectus, the IcedID successor, spread by e-mail.",
            [("malware", "Latrodectus", "Latrodectus"), ("malware", "IcedID", "IcedID")],
        ),
        ("Latrodectus, the black widow spider, is venomous.", []),
        # Brokers selling a way in, and attackers taking systems over, threaten a sector.
        ("Brokers sold access to networks of hospitals.", [("sector", "Health", "hospitals")]),
        ("Switches at rural hospitals were taken over.", [("sector", "Health", "hospitals")]),
        ("Visitors need a pass to enter hospitals.", []),
        # A vendor's working name for an actor no galaxy lists is that actor, as written.
        (
            "Storm-0501 pivoted into Entra ID; UNC3886 and TA4903 followed.",
            [
                ("threat-actor", "Storm-0501", "Storm-0501"),
                ("product", "Entra ID", "Entra ID"),
                ("threat-actor", "UNC3886", "UNC3886"),
                ("threat-actor", "TA4903", "TA4903"),
            ],
        ),
        ("The storm-0501 log and a TA100 amplifier.", []),
        # Ordinary names of ordinary words need a threat nearby; vendor naming schemes do not.
        ("Sea Turtle hatchlings head for the brightest horizon.", []),
        ("Sea Turtle hijacked DNS records of telecoms.", [("threat-actor", "Sea Turtle", "Sea Turtle")]),
        ("Volt Typhoon hid in the networks for years.", [("threat-actor", "Volt Typhoon", "Volt Typhoon")]),
        ("Poison Ivy rash spreads when the oil gets onto your hands.", []),
        ("German shepherds are often trained as guide dogs.", []),
        # Microsoft's element names in capitals need no context word; the element does.
        ("HAFNIUM exploited the mail servers.", [("threat-actor", "HAFNIUM", "HAFNIUM")]),
        ("Hafnium is a chemical element.", []),
        # A coined name that is common elsewhere (a character, a dish) needs a threat nearby.
        ("Voldemort is the name nobody dares to say aloud.", []),
        ("Pierogi with potato and cheese sold out at the stall.", []),
        ("The Voldemort backdoor beaconed every hour.", [("malware", "Voldemort", "Voldemort")]),
        # ... unless camel-cased, which only a name is.
        ("They mapped the domain with BloodHound.", [("tool", "BloodHound", "BloodHound")]),
        # A company named by a word: in business or threat news, not in everyday prose.
        ("Slack in the rope let the climber drop a metre.", []),
        ("Slack said the breach exposed user data.", [("organization", "Slack", "Slack")]),
        # A town, street or brand named after a country is not the country.
        ("Peru, Indiana, calls itself the circus capital.", [("country", "United States", "Indiana")]),
        ("Denmark Street is famous for its guitar shops.", []),
        ("China cabinets hold the wedding plates.", []),
        # Mandiant's code names for malware, in capitals as the galaxy spells them.
        ("Orion updates were trojanised with SUNBURST.", [("malware", "SUNBURST", "SUNBURST")]),
        ("A sunburst of colour lit the bay.", []),
        # A brand the dictionary lists as a word.
        ("Clop stole data.", [("malware", "Clop", "Clop")]),
        # Surnames, moons, titles and dishes.
        ("Gordon Ramsay shouted at the contestants.", []),
        ("Callisto is one of the largest moons of Jupiter.", []),
        ("Animal Farm is George Orwell's fable about pigs.", []),
        ("She mixed a Singapore sling.", []),
    ],
)
def test_threat_context_titles_and_coined_names(extractor, text, expected):
    result = found(extractor, text)
    if expected is None:
        assert [f for f in result if f[0] == "sector" and f[1] == "Journalist"] == []
    else:
        assert result == expected


def test_netscaler_gateway_is_its_own_product(extractor):
    assert found(extractor, "CVE-2023-4966 in NetScaler Gateway appliances.") == [
        ("product", "NetScaler Gateway", "NetScaler Gateway")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A company's name is a proper name: as written or in a headline's capitals ...
        ("Siemens patched the PLC flaw.", [("vendor", "Siemens", "Siemens")]),
        ("SIEMENS PATCHES PLC FLAW", [("vendor", "Siemens", "SIEMENS")]),
        # ... never in lower case, where it is the unit.
        ("Conductance is measured in siemens.", []),
        # A vendor named by an everyday word needs product context.
        ("Zoom fixed a flaw in its meeting client.", [("vendor", "Zoom", "Zoom")]),
        ("Zoom in on the heron's eye.", []),
    ],
)
def test_vendor_names_are_proper_names(extractor, text, expected):
    assert found(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A country that is also a word or a first name is a place when a state is blamed ...
        ("Predatory Sparrow, the Israel-linked group, claimed it.", ("country", "Israel", "Israel")),
        ("The Turkish state-backed group exploited a zero-day.", ("country", "Turkey", "Turkish")),
        ("Turkish hackers exploited a zero-day.", ("country", "Turkey", "Turkish")),
    ],
)
def test_a_country_blamed_for_an_attack_is_a_place(extractor, text, expected):
    assert expected in found(extractor, text)


def test_a_military_word_alone_does_not_make_a_word_a_country(extractor):
    assert found(extractor, "Turkey with stuffing is the star of the army base's dinner.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Android banking trojan Hook added commands.", ("product", "Android", "Android")),
        ("Chameleon can switch off biometric unlock on Android phones.", ("product", "Android", "Android")),
        ("A trojanized KeePass installer was pushed by ads.", ("product", "KeePass", "KeePass")),
        ("ThreatFabric reports fresh Chameleon campaigns.", ("organization", "ThreatFabric", "ThreatFabric")),
        (
            "The Justice Department charged two men.",
            ("organization", "Department of Justice", "Justice Department"),
        ),
    ],
)
def test_phones_apps_and_research_firms_are_named(extractor, text, expected):
    assert expected in found(extractor, text)


def test_an_android_in_a_film_is_no_product(extractor):
    assert found(extractor, "The android in the film wants to be human.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Pre-positioning is what a threat does, even in a podcast's show notes.
        (
            "Episode 212: Dragos joins us to talk about Volt Typhoon's pre-positioning in water utilities.",
            ("threat-actor", "Volt Typhoon", "Volt Typhoon"),
        ),
        # A binary or a DLL is software: the tool or malware named beside it is one.
        ("We also recovered a Chisel binary used for tunneling.", ("tool", "Chisel", "Chisel")),
        (
            "EDR flagged an unsigned DLL dropped in %TEMP%; hash matches Latrodectus.",
            ("malware", "Latrodectus", "Latrodectus"),
        ),
    ],
)
def test_threat_and_software_words_of_tickets_and_show_notes(extractor, text, expected):
    assert expected in found(extractor, text)


def test_a_binary_star_or_a_python_binary_names_no_threat(extractor):
    assert found(extractor, "The sculptor carved the binary star with a chisel.") == []
    assert found(extractor, "The Python binary was upgraded to 3.12 on the build server.") == []


def test_a_brand_the_ransomware_galaxy_writes_in_lower_case_is_found_before_ransomware(extractor):
    assert found(extractor, "The SafePay ransomware gang listed the firm.") == [
        ("malware", "safepay", "SafePay")
    ]
    assert found(extractor, "Pay safely: safepay is a checkout option.") == []


def test_written_before_ransomware_a_shared_name_is_the_ransomware_brand(extractor):
    # The galaxies give "Medusa" first to an Android banking trojan.
    assert found(extractor, "Medusa ransomware operators leaked the files.") == [
        ("malware", "Medusa", "Medusa ransomware")
    ]
    assert found(extractor, "The Medusa banking trojan steals PINs.") == [
        ("malware", "Medusa (Android)", "Medusa")
    ]


def _sectors(extractor, text):
    return [name for kind, name, _ in found(extractor, text) if kind == "sector"]


def test_sectors_in_a_tally_of_victims_are_found_in_threat_text(extractor):
    report = (
        "Ransomware victims by industry: construction 14, manufacturing 13, legal services 9. "
        "Manufacturing remained the most targeted industry, followed by finance and insurance "
        "(18%), transport — 12.7%, and retail trade .......... 7.4%."
    )
    assert set(_sectors(extractor, report)) == {
        "Construction",
        "Manufacturing",
        "Legal",
        "Finance",
        "Insurance",
        "Transport",
        "Retail",
    }
    # The same shares in a market report, and a verb after the name, are no sectors.
    assert _sectors(extractor, "Energy (12%) led the index, and retail rose 3% in May.") == []
    assert _sectors(extractor, "Phishing is accounting for 26% of the attacks.") == []


def test_headline_clients_and_translated_sector_nouns(extractor):
    assert _sectors(extractor, "Shipping Giant Confirms Breach of Crew Passport Data") == ["Shipping"]
    assert _sectors(extractor, "Attackers hit the enterprises of the energetic sector.") == ["Energy"]
    assert _sectors(extractor, "The phishing wave reached medical establishments.") == ["Health"]
    assert _sectors(extractor, "Our SOC saw intrusions at banking clients and pharma start-ups.") == [
        "Finance",
        "Pharmacy",
    ]
    # "Chain" is no sector noun: "the food chain".
    assert _sectors(extractor, "Ransomware is at the top of the food chain.") == []


def test_a_ransomware_brand_that_is_an_ordinary_word_in_a_leak_site_tally_or_deed(extractor):
    tally = "Leak-site postings by group: Qilin 21 · Lynx 8 · SafePay 9. Cactus claimed a hospital."
    assert [name for kind, name, _ in found(extractor, tally) if kind == "malware"] == [
        "Qilin",
        "lynx",
        "safepay",
        "Cactus",
    ]
    assert [name for kind, name, _ in found(extractor, "Ransom note says Lynx.") if kind == "malware"] == [
        "lynx"
    ]
    # Without a word about ransomware nearby, a lynx is a cat.
    assert found(extractor, "The zoo counted Lynx 8, wolves 3 and bears 2 this year.") == []


def test_one_sense_per_text_once_a_name_is_found_to_be_a_title(extractor):
    text = (
        "Astronomers refined the size of Eris, the distant dwarf planet. Observations suggest "
        "Eris is as wide as Pluto, and no probe has attacked the problem of its density."
    )
    assert found(extractor, text) == []


def test_a_company_name_after_a_title_is_a_surname(extractor):
    assert found(extractor, "Item 4: Cllr Trimble reported that the road was resurfaced.") == []
    assert found(extractor, "Dr. Siemens chaired the meeting.") == []
    assert [kind for kind, _, _ in found(extractor, "Trimble patched a flaw in its GNSS receivers.")] == [
        "vendor"
    ]


def test_an_organization_is_a_proper_name_never_lower_case(extractor):
    assert found(extractor, "The gallery shows a complete yoroi, a lacquered armour.") == []
    assert [kind for kind, _, _ in found(extractor, "Yoroi researchers tracked the phishing wave.")] == [
        "organization"
    ]
